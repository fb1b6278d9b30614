import { type FileHandle, open } from 'node:fs/promises';
import { LogClosedError, LogCorruptionError, LogOffsetRemovedError } from '../errors.js';
import type { LogOffset, LogRecord, ReadLimits } from '../event-log.js';
import { FrameScanner } from './frame-scanner.js';
import { segmentFileName, segmentHolding, segmentPath } from './segment-files.js';

/**
 * Consumers read sequentially, so a read leaves a cursor where it stopped and the next read from
 * that offset goes on without a seek. A few cursors, so the loader and the processor (and a replay)
 * reading the same log do not push each other's out; a seek scans from the segment's start.
 */
const MAX_CURSORS = 4;

interface Cursor {
  /** Offset of the next record the cursor returns. */
  offset: LogOffset;
  base: LogOffset;
  handle: FileHandle;
  scanner: FrameScanner;
  /** A record read but not returned (it would have passed `maxBytes`): returned first next time. */
  held: Buffer | null;
}

/**
 * Reads records from segment files, never at or past the durable end. Works from any thread:
 * it needs the directory, the durable end and the segments' bases, nothing of the writer.
 */
export class SegmentReader {
  /** Idle cursors, least recently used first. */
  private cursors: Cursor[] = [];
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly maxRecordBytes: number,
    private readonly durableEnd: () => LogOffset,
    private readonly listBases: () => Promise<readonly LogOffset[]>,
  ) {}

  async read(from: LogOffset, limits: ReadLimits): Promise<LogRecord[]> {
    if (this.closed) throw new LogClosedError();
    if (!Number.isSafeInteger(from) || from < 0) throw new RangeError(`not a log offset: ${from}`);
    if (!(limits.maxRecords >= 1)) throw new RangeError(`maxRecords must be ≥ 1, got ${limits.maxRecords}`);
    const end = this.durableEnd();
    if (from >= end) return [];
    const cursor = await this.takeCursor(from);
    const records: LogRecord[] = [];
    let bytes = 0;
    try {
      while (records.length < limits.maxRecords && cursor.offset < end) {
        const data = cursor.held ?? (await this.nextRecord(cursor));
        cursor.held = null;
        if (limits.maxBytes !== undefined && records.length > 0 && bytes + data.length > limits.maxBytes) {
          cursor.held = data;
          break;
        }
        records.push({ offset: cursor.offset, data });
        bytes += data.length;
        cursor.offset++;
      }
    } catch (error) {
      await cursor.handle.close().catch(() => undefined);
      throw error;
    }
    cursor.scanner.dropReadAhead();
    await this.giveBack(cursor);
    return records;
  }

  async close(): Promise<void> {
    this.closed = true;
    const cursors = this.cursors;
    this.cursors = [];
    await Promise.all(cursors.map((c) => c.handle.close().catch(() => undefined)));
  }

  /** The record at `cursor.offset`, moving to the next segment at the end of one. */
  private async nextRecord(cursor: Cursor): Promise<Buffer> {
    for (;;) {
      const frame = await cursor.scanner.next();
      if (frame.kind === 'record') return frame.data;
      if (frame.kind === 'bad')
        throw new LogCorruptionError(segmentFileName(cursor.base), frame.position, frame.why);
      const bases = await this.listBases();
      if (!bases.includes(cursor.offset))
        throw new LogCorruptionError(
          segmentFileName(cursor.base),
          frame.position,
          `the segment ends before offset ${cursor.offset} and no segment starts there`,
        );
      await cursor.handle.close();
      cursor.base = cursor.offset;
      cursor.handle = await this.openSegment(cursor.base, cursor.offset);
      cursor.scanner = new FrameScanner(cursor.handle, 0, this.maxRecordBytes);
    }
  }

  private async takeCursor(from: LogOffset): Promise<Cursor> {
    const index = this.cursors.findIndex((c) => c.offset === from);
    if (index >= 0) return this.cursors.splice(index, 1)[0]!;
    const bases = await this.listBases();
    const base = segmentHolding(bases, from);
    if (base === undefined) throw new LogOffsetRemovedError(from, bases[0] ?? this.durableEnd());
    const handle = await this.openSegment(base, from);
    const cursor: Cursor = {
      offset: base,
      base,
      handle,
      scanner: new FrameScanner(handle, 0, this.maxRecordBytes),
      held: null,
    };
    try {
      while (cursor.offset < from) {
        await this.nextRecord(cursor);
        cursor.offset++;
      }
    } catch (error) {
      await cursor.handle.close().catch(() => undefined);
      throw error;
    }
    return cursor;
  }

  private async giveBack(cursor: Cursor): Promise<void> {
    if (this.closed) {
      await cursor.handle.close();
      return;
    }
    this.cursors.push(cursor);
    if (this.cursors.length > MAX_CURSORS) await this.cursors.shift()!.handle.close();
  }

  private async openSegment(base: LogOffset, wanted: LogOffset): Promise<FileHandle> {
    try {
      return await open(segmentPath(this.dir, base), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const bases = await this.listBases();
      throw new LogOffsetRemovedError(wanted, bases[0] ?? this.durableEnd());
    }
  }
}
