import { ApiError } from '../../errors.js';
import { type CaptureBody, decodeCaptureBody, isGzip } from '../decode-body.js';

const FORM_TYPE = 'application/x-www-form-urlencoded';
const LOOKS_LIKE_JSON = /^\s*[[{]/;

/**
 * A posthog-js / posthog-node body → JSON value. Accepted: JSON; gzip, recognised by its magic
 * bytes whatever the content type or `?compression=` says (posthog-js sends gzip-js as text/plain);
 * a form `data=<base64 JSON>` (`?compression=base64`, and what `sendBeacon` sends on unload);
 * a form `data=<JSON>` from old clients.
 */
export async function decodePostHogBody(
  raw: Buffer,
  contentType: string,
  compression: string | null,
): Promise<CaptureBody> {
  if (compression === 'lz64') {
    throw new ApiError(
      'unsupported_content_type',
      'compression lz64 is not supported; posthog-js uses gzip-js or base64 when the remote config offers them',
    );
  }
  if (raw.length === 0) throw new ApiError('empty_body', 'request body is empty');
  if (isGzip(raw)) return decodeCaptureBody(raw);
  const isForm = contentType === FORM_TYPE || raw.subarray(0, 5).toString('latin1') === 'data=';
  if (!isForm) return decodeCaptureBody(raw);
  const data = new URLSearchParams(raw.toString('utf8')).get('data');
  if (data === null) throw new ApiError('invalid_batch', 'form body has no data field');
  if (LOOKS_LIKE_JSON.test(data)) return decodeCaptureBody(Buffer.from(data, 'utf8'));
  // A `+` sent unescaped arrives as a space after form decoding.
  return decodeCaptureBody(Buffer.from(data.replaceAll(' ', '+'), 'base64'));
}
