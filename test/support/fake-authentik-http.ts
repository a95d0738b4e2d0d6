/**
 * The HTTP helpers of the fake authentik server: JSON responses, DRF's paginated list shape
 * (`pagination` and `results`), multipart uploads and release comparison.
 */

/** A response of the fake: status, body and, for non-JSON bodies, the content type. */
export interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
  /** Further response headers, e.g. `content-disposition`. */
  headers?: Record<string, string>;
}

const PAGE_SIZE_DEFAULT = 20;

export function json(status: number, body: unknown): Answer {
  return { status, body };
}

export const NOT_FOUND = json(404, { detail: 'Not found.' });

/**
 * DRF's response to a method a route does not map. A POST to `<list>/import/` on a release
 * without that action reaches the detail route (`import` is taken as the primary key or slug),
 * which maps no POST, so the response is 405 and not 404.
 */
export function methodNotAllowed(method: string): Answer {
  return json(405, { detail: `Method "${method}" not allowed.` });
}

export function paginate(records: unknown[], query: Record<string, string>): Answer {
  const size = Number(query.page_size ?? PAGE_SIZE_DEFAULT);
  const page = Number(query.page ?? 1);
  const pages = Math.max(1, Math.ceil(records.length / size));
  const results = records.slice((page - 1) * size, page * size);

  return json(200, {
    pagination: {
      next: page < pages ? page + 1 : 0,
      previous: page > 1 ? page - 1 : 0,
      count: records.length,
      current: page,
      total_pages: pages,
      start_index: (page - 1) * size + 1,
      end_index: (page - 1) * size + results.length,
    },
    results,
  });
}

/** Tells whether a release `YYYY.M.patch` is the given year and month or later. */
export function releaseAtLeast(version: string, year: number, month: number): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major! > year || (major === year && minor! >= month);
}

/** Reads the file part named `file` of a multipart body. */
export function multipartFile(body: Buffer, contentType: string): string | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (boundary === null) {
    return undefined;
  }

  const marker = `--${boundary[1] ?? boundary[2]}`;
  for (const part of body.toString('utf8').split(marker)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0 || !/name="file"/.test(part.slice(0, split))) {
      continue;
    }
    return part.slice(split + 4).replace(/\r\n$/, '');
  }

  return undefined;
}
