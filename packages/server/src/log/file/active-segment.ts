import { type FileHandle, open } from 'node:fs/promises';
import { LogWriteError } from '../errors.js';
import type { LogOffset } from '../event-log.js';
import { type FileOps, writeAll } from './file-ops.js';
import { segmentPath, syncDirectory } from './segment-files.js';

/**
 * The segment appends go to. It knows the durable end (`size`: every byte before it is synced and
 * a whole record) and keeps the file exactly that long: after a failed write or sync the file is
 * cut back to it before anything else is written, so no later append lands after garbage.
 */
export class ActiveSegment {
  /** A failed write left bytes after `size` that could not be cut yet (the truncate failed too). */
  private dirty = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly base: LogOffset,
    /** Records in the segment. */
    public count: number,
    /** Durable bytes. */
    public size: number,
    private readonly ops: FileOps,
  ) {}

  /** Opens an existing segment whose tail was repaired (`size` bytes, `count` records). */
  static async open(
    dir: string,
    base: LogOffset,
    count: number,
    size: number,
    ops: FileOps,
  ): Promise<ActiveSegment> {
    return new ActiveSegment(await open(segmentPath(dir, base), 'r+'), base, count, size, ops);
  }

  /**
   * Creates an empty segment starting at `base` (replacing a file a failed roll may have left:
   * nothing in it was acknowledged, its records would start at `base`) and syncs the directory.
   */
  static async create(dir: string, base: LogOffset, ops: FileOps): Promise<ActiveSegment> {
    // Owner-only, like the rest of the data directory: segments hold every event as sent.
    const handle = await open(segmentPath(dir, base), 'w', 0o600);
    try {
      await ops.datasync(handle);
      await syncDirectory(dir);
    } catch (error) {
      await handle.close();
      throw error;
    }
    return new ActiveSegment(handle, base, 0, 0, ops);
  }

  /** The next offset this segment gives. */
  get end(): LogOffset {
    return this.base + this.count;
  }

  /**
   * Writes framed records after the durable end and syncs them (one fdatasync). On success they
   * are durable and counted; on failure the file is cut back and a LogWriteError thrown.
   */
  async append(buffers: Buffer[], records: number): Promise<void> {
    try {
      if (this.dirty) await this.cutBack();
      await writeAll(this.ops, this.handle, buffers, this.size);
      await this.ops.datasync(this.handle);
    } catch (error) {
      this.dirty = true;
      await this.cutBack().catch(() => undefined);
      throw error instanceof LogWriteError ? error : new LogWriteError(error);
    }
    this.size += buffers.reduce((n, b) => n + b.length, 0);
    this.count += records;
  }

  private async cutBack(): Promise<void> {
    try {
      await this.handle.truncate(this.size);
    } catch (error) {
      throw new LogWriteError(error);
    }
    this.dirty = false;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
