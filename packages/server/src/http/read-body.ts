import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';

/** Past this many bytes an oversized upload is cut off instead of being read to the end. */
const DISCARD_LIMIT_FACTOR = 4;

/**
 * Buffers a request body up to `maxBytes`. An oversized body is refused with 413; it is read
 * and discarded (up to a bound) before answering, so clients still writing it get the answer
 * instead of a reset connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = (size: number) =>
    new ApiError(
      'body_too_large',
      `request body is ${size > maxBytes ? `over ${maxBytes}` : size} bytes; the limit is ${maxBytes}`,
    );
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = Number.isFinite(declared) && declared > maxBytes;
    if (refused && declared > maxBytes * DISCARD_LIMIT_FACTOR) {
      req.destroy();
      reject(tooLarge(declared));
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes * DISCARD_LIMIT_FACTOR) {
        req.destroy();
        reject(tooLarge(size));
        return;
      }
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
      }
      if (!refused) chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) reject(tooLarge(size));
      else resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (error) =>
      reject(new ApiError('invalid_batch', `request body could not be read: ${error.message}`)),
    );
  });
}
