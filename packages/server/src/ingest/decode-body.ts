import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { LIMITS } from '@sightline/schema';
import { ApiError } from '../errors.js';
import { type EventCut, scanCaptureBody } from './json-scan.js';

const gunzipAsync = promisify(gunzip);
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function isGzip(body: Buffer): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/** Inflates with a bound: a small bomb must never grow past the request limit in memory. */
export async function gunzipBounded(body: Buffer, maxBytes = LIMITS.maxRequestBytes): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) {
      throw new ApiError('body_too_large', `decompressed body exceeds ${maxBytes} bytes`);
    }
    throw new ApiError('invalid_gzip', `body is not valid gzip: ${(error as Error).message}`);
  }
}

/**
 * Raw request bytes → JSON value. Gzip is recognised by its magic bytes whatever the
 * content type says (sendBeacon and posthog-js send gzip as text/plain).
 */
export async function decodeJsonBody(raw: Buffer): Promise<unknown> {
  return parseJson(await inflated(raw));
}

export interface CaptureBody {
  body: unknown;
  /** Events refused before parsing (too many values, too deep), by index in the event array. */
  cut: ReadonlyMap<number, EventCut>;
}

/**
 * A capture body: like decodeJsonBody, but scanned before parsing so one oversized event costs
 * neither the server's time nor its batch's other events (json-scan.ts).
 */
export async function decodeCaptureBody(raw: Buffer): Promise<CaptureBody> {
  const { bytes, cut } = scanCaptureBody(await inflated(raw));
  return { body: parseJson(bytes), cut };
}

async function inflated(raw: Buffer): Promise<Buffer> {
  if (raw.length === 0) throw new ApiError('empty_body', 'request body is empty');
  const bytes = isGzip(raw) ? await gunzipBounded(raw) : raw;
  if (bytes.length === 0) throw new ApiError('empty_body', 'request body is empty after decompression');
  return bytes;
}

function parseJson(bytes: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new ApiError('invalid_utf8', 'request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError('invalid_json', `request body is not valid JSON: ${(error as Error).message}`);
  }
}
