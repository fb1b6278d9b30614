import { ApiError } from '../errors.js';

/** Content types a browser can send without a CORS preflight, plus JSON. Gzip is detected by magic bytes. */
const ACCEPTED_TYPES = new Set(['', 'application/json', 'text/plain', 'application/octet-stream']);

export function contentTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

export function assertCaptureContentType(header: string | undefined, extra: readonly string[] = []): void {
  const type = contentTypeOf(header);
  if (!ACCEPTED_TYPES.has(type) && !extra.includes(type)) {
    throw new ApiError(
      'unsupported_content_type',
      `content-type ${type} is not accepted; send application/json or text/plain (gzip allowed)`,
    );
  }
}
