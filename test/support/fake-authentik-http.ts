/**
 * The response helpers of the fake authentik server: JSON responses and DRF's paginated list
 * shape (`pagination` and `results`).
 */

/** A response of the fake: status, body and, for non-JSON bodies, the content type. */
export interface Answer {
  status: number;
  body: unknown;
  contentType?: string;
}

const PAGE_SIZE_DEFAULT = 20;

export function json(status: number, body: unknown): Answer {
  return { status, body };
}

export const NOT_FOUND = json(404, { detail: 'Not found.' });

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
