/** Converting response bytes to the JSON body form of recordings, and back. */
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import type { HttpBody } from '../../shared/http/exchange.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isJsonType(contentType: string): boolean {
  return /^application\/([\w.-]+\+)?json\b/i.test(contentType.trim());
}

function isBinaryType(contentType: string): boolean {
  return /^(image|audio|video|font)\/|^application\/(octet-stream|pdf|zip)/i.test(
    contentType.trim(),
  );
}

/**
 * Returns the body form of received bytes: JSON when the content type is JSON and the bytes
 * parse, text when they are UTF-8 (also a JSON content type that does not parse, so the text
 * stays readable), base64 otherwise. Null for an empty body.
 */
export function bodyFromBytes(bytes: Uint8Array, contentType: string | undefined): HttpBody | null {
  if (bytes.length === 0) {
    return null;
  }

  const type = contentType ?? '';
  if (isBinaryType(type)) {
    return { base64: Buffer.from(bytes).toString('base64') };
  }

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { base64: Buffer.from(bytes).toString('base64') };
  }

  if (isJsonType(type)) {
    try {
      return { json: JSON.parse(text) as JsonValue };
    } catch {
      return { text };
    }
  }

  return { text };
}

/** Returns the bytes of a body: JSON serialised, text as UTF-8, base64 decoded. */
export function bodyToBytes(body: HttpBody | null): Buffer {
  if (body === null) {
    return Buffer.alloc(0);
  }
  if ('json' in body) {
    return Buffer.from(JSON.stringify(body.json), 'utf8');
  }
  if ('text' in body) {
    return Buffer.from(body.text, 'utf8');
  }

  return Buffer.from(body.base64, 'base64');
}
