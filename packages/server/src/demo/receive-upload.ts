import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { ApiError } from '../errors.js';
import { FORMAT_NAMES, SNIFF_BYTES, sniffVideo, type VideoFormat } from './formats.js';
import type { StoredUpload, UploadStore } from './upload-store.js';

/** The demo's limit per video. */
export const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;
/**
 * Uploads received at once. With MAX_STORED_UPLOADS this bounds the demo's disk use (a public
 * page can be used by anyone who reaches the server).
 */
export const MAX_CONCURRENT_UPLOADS = 4;
let receiving = 0;
/** Multipart boundaries and part headers around the file. */
const MULTIPART_SLACK = 64 * 1024;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ACCEPTED = Object.values(FORMAT_NAMES).join(', ');

/** Hashes and counts the bytes on their way to disk, and refuses them as soon as the first bytes are not a video. */
class VideoInspector extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  format: VideoFormat | null = null;
  private head = Buffer.alloc(0);

  constructor(
    private readonly name: string,
    private readonly declaredType: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    if (this.format === null && this.head.length < SNIFF_BYTES) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, SNIFF_BYTES - this.head.length)]);
      if (this.head.length >= SNIFF_BYTES && !this.decide()) {
        callback(this.notVideo());
        return;
      }
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.size === 0) callback(new ApiError('empty_body', `"${this.name}" is empty`));
    else if (this.format === null && !this.decide()) callback(this.notVideo());
    else callback();
  }

  private decide(): boolean {
    this.format = sniffVideo(this.head);
    return this.format !== null;
  }

  private notVideo(): ApiError {
    return new ApiError(
      'unsupported_content_type',
      `"${this.name}" is not a video: its content is not ${ACCEPTED} (the browser called it ${this.declaredType || 'an unknown type'})`,
    );
  }
}

/** Busboy refuses a header it cannot use (no boundary, malformed) by throwing: that is a 400, not a 500. */
function multipartParser(req: IncomingMessage): busboy.Busboy {
  try {
    return busboy({
      headers: req.headers,
      limits: { files: 1, fileSize: MAX_UPLOAD_BYTES, fields: 20, fieldSize: 16 * 1024 },
    });
  } catch (error) {
    throw new ApiError(
      'invalid_arguments',
      `the multipart content-type is unusable (${(error as Error).message}); send multipart/form-data with a boundary`,
    );
  }
}

/**
 * What a failed file pipeline means for the client: our own refusals as they are; a file system
 * error (it has a syscall: disk full, permissions) stays a server error; anything else came from
 * the multipart parser cutting the file short (a malformed or truncated body), a 400.
 */
function asUploadError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof Error && !('syscall' in error))
    return new ApiError('invalid_arguments', `the multipart body is malformed: ${error.message}`);
  return error;
}

/**
 * Streams the one file of a multipart upload to disk: never held in memory, refused with 413 over
 * MAX_UPLOAD_BYTES (before reading when Content-Length says so) and with 415 when its first
 * bytes are not a known video container, whatever its name or declared type.
 */
export async function receiveUpload(req: IncomingMessage, store: UploadStore): Promise<StoredUpload> {
  if (receiving >= MAX_CONCURRENT_UPLOADS)
    throw new ApiError(
      'overloaded',
      `${MAX_CONCURRENT_UPLOADS} uploads are already running; retry in a moment`,
    );
  receiving++;
  try {
    return await receive(req, store);
  } finally {
    receiving--;
  }
}

async function receive(req: IncomingMessage, store: UploadStore): Promise<StoredUpload> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_UPLOAD_BYTES + MULTIPART_SLACK)
    throw new ApiError(
      'body_too_large',
      `the video is about ${mb(declared)}; the limit is ${mb(MAX_UPLOAD_BYTES)}`,
    );
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data'))
    throw new ApiError('unsupported_content_type', 'send the video as multipart/form-data');
  const parser = multipartParser(req);
  let stored: Promise<StoredUpload> | null = null;
  let currentFile: Readable | null = null;
  const parsed = new Promise<StoredUpload>((resolve, reject) => {
    parser.on('file', (_field, file, info) => {
      if (stored) {
        file.resume();
        return;
      }
      currentFile = file;
      const name = (info.filename || 'video').slice(0, 200);
      const id = randomUUID();
      const path = store.pathFor(id);
      const inspector = new VideoInspector(name, info.mimeType);
      stored = pipeline(file, inspector, createWriteStream(path, { mode: 0o600 })).then(
        async () => {
          if (file.truncated) {
            await rm(path, { force: true });
            throw new ApiError('body_too_large', `"${name}" is over the ${mb(MAX_UPLOAD_BYTES)} limit`);
          }
          const upload: StoredUpload = {
            id,
            path,
            name,
            size: inspector.size,
            sha256: inspector.hash.digest('hex'),
            format: inspector.format!,
            declaredType: info.mimeType,
            storedAt: Date.now(),
          };
          store.add(upload);
          return upload;
        },
        async (error: unknown) => {
          await rm(path, { force: true });
          throw asUploadError(error);
        },
      );
      // Refuse at once (a 415 after the first bytes, a 413 at the limit) instead of after the whole body.
      stored.catch(reject);
      file.once('limit', () => {
        const error = new ApiError('body_too_large', `"${name}" is over the ${mb(MAX_UPLOAD_BYTES)} limit`);
        reject(error);
        // The rest of this part is never written: end the pipeline now (it deletes the partial file).
        file.destroy(error);
      });
    });
    parser.once('close', () => {
      if (stored) stored.then(resolve, reject);
      else reject(new ApiError('empty_body', 'the upload has no file (form field "file")'));
    });
    // `on`, not `once`: a parser destroyed after an error may emit another.
    parser.on('error', (error: Error) =>
      reject(new ApiError('invalid_arguments', `the multipart body is malformed: ${error.message}`)),
    );
  });
  // A client that goes away mid-upload: nothing will finish the parse, so stop the file (its
  // pipeline then deletes the partial file) and give up, freeing the upload slot.
  req.once('close', () => {
    if (req.complete) return;
    const error = new ApiError('empty_body', 'the upload was interrupted');
    currentFile?.destroy(error);
    parser.destroy(error);
  });
  req.pipe(parser);
  try {
    return await parsed;
  } catch (error) {
    // Whatever is still coming is read and discarded (never stored), so the client gets the answer;
    // a file still being written is cut off, and its pipeline deletes it.
    req.unpipe(parser);
    (currentFile as Readable | null)?.destroy();
    req.resume();
    throw error;
  }
}
