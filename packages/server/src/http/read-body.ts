import type { IncomingMessage } from 'node:http';
import { ApiError } from '../errors.js';

/**
 * Buffers a request body up to `maxBytes`. Refuses early on a declared Content-Length over
 * the limit, and stops buffering as soon as the streamed size passes it.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(new ApiError('body_too_large', `request body is ${declared} bytes; the limit is ${maxBytes}`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        reject(new ApiError('body_too_large', `request body exceeds the limit of ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks, size));
    });
    req.on('error', (error) => {
      if (!refused) reject(new ApiError('invalid_batch', `request body could not be read: ${error.message}`));
    });
  });
}
