import type { FileHandle } from 'node:fs/promises';
import { frameAt } from './frame.js';

/** Bytes read from a segment at a time: large enough that a sequential scan is a few syscalls per MiB. */
const READ_CHUNK_BYTES = 1024 * 1024;

export type ScannedFrame =
  | { kind: 'record'; data: Buffer; position: number; end: number }
  /** The file ends cleanly here. */
  | { kind: 'end'; position: number }
  /** The bytes from `position` on are not a whole, valid frame: a torn or corrupt tail (or corruption). */
  | { kind: 'bad'; position: number; why: string };

/**
 * Reads frames one after another from a segment file, from `position`, through a read-ahead
 * buffer; the scan stops at the first bad frame. Records are views into the buffer, not copies
 * (a copy per record was a tenth of a consumer's CPU): a buffer is never written once filled —
 * `fill` and `dropReadAhead` replace it — so a record outlives it unchanged.
 */
export class FrameScanner {
  private buffer = Buffer.alloc(0);
  /** File position of buffer[0]. */
  private bufferStart: number;
  private at = 0;

  constructor(
    private readonly handle: FileHandle,
    position: number,
    private readonly maxRecordBytes: number,
  ) {
    this.bufferStart = position;
  }

  /** File position of the next frame. */
  get position(): number {
    return this.bufferStart + this.at;
  }

  async next(): Promise<ScannedFrame> {
    for (;;) {
      const frame = frameAt(this.buffer, this.at, this.maxRecordBytes);
      if (frame.kind === 'record') {
        const position = this.position;
        const data = this.buffer.subarray(frame.payloadStart, frame.end);
        this.at = frame.end;
        return { kind: 'record', data, position, end: this.position };
      }
      if (frame.kind === 'corrupt') return { kind: 'bad', position: this.position, why: frame.why };
      if (!(await this.fill(frame.needed))) {
        if (this.at === this.buffer.length) return { kind: 'end', position: this.position };
        return { kind: 'bad', position: this.position, why: 'the file ends inside a record' };
      }
    }
  }

  /**
   * Forgets bytes read ahead but not yet returned, so the next `next()` reads them from the file
   * again. A reader calls it after each read: bytes past the log's durable end may still be cut
   * back and rewritten (a failed write), and must never be parsed from a stale buffer.
   */
  dropReadAhead(): void {
    this.bufferStart += this.at;
    this.buffer = Buffer.alloc(0);
    this.at = 0;
  }

  /**
   * Keeps the unread bytes and reads on until at least `needed` unread bytes are buffered; false
   * when the file ended first. Not sticky: the active segment grows, so a later call reads again.
   */
  private async fill(needed: number): Promise<boolean> {
    const unread = this.buffer.subarray(this.at);
    const next = Buffer.allocUnsafe(Math.max(needed, unread.length + READ_CHUNK_BYTES));
    unread.copy(next);
    const readFrom = this.bufferStart + this.buffer.length - unread.length;
    let filled = unread.length;
    let ended = false;
    while (filled < needed) {
      const { bytesRead } = await this.handle.read(next, filled, next.length - filled, readFrom + filled);
      if (bytesRead === 0) {
        ended = true;
        break;
      }
      filled += bytesRead;
    }
    this.bufferStart = readFrom;
    this.buffer = next.subarray(0, filled);
    this.at = 0;
    return !ended;
  }
}
