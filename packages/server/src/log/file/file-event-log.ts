import { mkdir, stat, unlink } from 'node:fs/promises';
import { LogClosedError, LogWriteError } from '../errors.js';
import type {
  AppendResult,
  EventLog,
  LogBounds,
  LogOffset,
  LogRecord,
  LogStats,
  ReadLimits,
} from '../event-log.js';
import { zeroLogStats } from '../event-log.js';
import { DEFAULT_LOG_LIMITS, type LogLimits } from '../limits.js';
import { ActiveSegment } from './active-segment.js';
import { FileConsumers } from './consumers.js';
import { DurableEnd } from './durable-end.js';
import { type FileOps, NODE_FILE_OPS } from './file-ops.js';
import { frameRecords } from './frame.js';
import { GroupCommit } from './group-commit.js';
import { eventLogDir, listSegmentBases, segmentPath, syncDirectory } from './segment-files.js';
import { SegmentReader } from './segment-reader.js';
import { removableSegments, type SealedSegment } from './segment-removal.js';
import { repairTail } from './tail-repair.js';
import type { LogReaderHandoff } from './worker-reader.js';

export interface FileEventLogOptions extends Partial<LogLimits> {
  /** The disk operations appends use (tests count syncs or inject ENOSPC/EIO). */
  fileOps?: Partial<FileOps>;
  /** The clock the retention window is measured with. */
  nowMs?: () => number;
  /**
   * The offset of the first record when the log is created (ignored when it exists): a log added to
   * a store that already holds events continues their numbering (seq = offset + 1).
   */
  firstOffset?: LogOffset;
}

/** What opening found: a torn tail cut from the last segment, if any. */
export interface OpenReport {
  cutBytes: number;
  cutWhy?: string;
}

/**
 * The event log in segment files under `<dataDir>/log/` (see event-log.ts for the contract):
 * opens (creating or repairing the last segment's tail), then appends with group commit.
 */
export async function openFileEventLog(
  dataDir: string,
  options: FileEventLogOptions = {},
): Promise<FileEventLog> {
  const limits: LogLimits = {
    segmentBytes: options.segmentBytes ?? DEFAULT_LOG_LIMITS.segmentBytes,
    retentionMs: options.retentionMs ?? DEFAULT_LOG_LIMITS.retentionMs,
    maxRecordBytes: options.maxRecordBytes ?? DEFAULT_LOG_LIMITS.maxRecordBytes,
  };
  const ops: FileOps = { ...NODE_FILE_OPS, ...options.fileOps };
  const dir = eventLogDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const bases = await listSegmentBases(dir);
  let active: ActiveSegment;
  let report: OpenReport = { cutBytes: 0 };
  const last = bases.at(-1);
  if (last === undefined) {
    const first = options.firstOffset ?? 0;
    active = await ActiveSegment.create(dir, first, ops);
    bases.push(first);
  } else {
    const tail = await repairTail(dir, last, limits.maxRecordBytes);
    report = tail.why === undefined ? { cutBytes: 0 } : { cutBytes: tail.cutBytes, cutWhy: tail.why };
    active = await ActiveSegment.open(dir, last, tail.count, tail.size, ops);
  }
  const log = new FileEventLog(dataDir, bases, active, limits, ops, options.nowMs ?? Date.now, report);
  await log.loadConsumers();
  return log;
}

export class FileEventLog implements EventLog {
  /** Shared with reader threads: how far the log is durable (file/durable-end.ts). */
  readonly durableEnd: DurableEnd;
  private readonly reader: SegmentReader;
  private readonly commits: GroupCommit;
  private consumerRegistry: FileConsumers | null = null;
  private closed = false;
  private removing: Promise<void> = Promise.resolve();
  private readonly counters: LogStats = zeroLogStats();

  readonly dir: string;

  constructor(
    readonly dataDir: string,
    /** Segment bases, ascending; the last is the active segment. */
    private readonly bases: LogOffset[],
    private active: ActiveSegment,
    readonly limits: LogLimits,
    private readonly ops: FileOps,
    private readonly nowMs: () => number,
    readonly openReport: OpenReport,
  ) {
    this.dir = eventLogDir(dataDir);
    this.durableEnd = new DurableEnd();
    this.durableEnd.set(active.end);
    this.reader = new SegmentReader(
      this.dir,
      limits.maxRecordBytes,
      () => this.durableEnd.get(),
      async () => this.bases,
    );
    this.commits = new GroupCommit((buffers, records) => this.writeGroup(buffers, records));
  }

  /** @internal opening step: the consumers file needs the log's bounds. */
  async loadConsumers(): Promise<void> {
    this.consumerRegistry = await FileConsumers.load(
      this.dir,
      () => this.bounds(),
      () => this.removeConsumedSegments(),
    );
  }

  get consumers(): FileConsumers {
    return this.consumerRegistry!;
  }

  append(records: readonly Buffer[] | readonly string[]): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new LogClosedError());
    if (records.length === 0) {
      const end = this.durableEnd.get();
      return Promise.resolve({ first: end, last: end - 1 });
    }
    let framed: ReturnType<typeof frameRecords>;
    try {
      framed = frameRecords(records, this.limits.maxRecordBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.commits.submit(framed);
  }

  read(from: LogOffset, limits: ReadLimits): Promise<LogRecord[]> {
    return this.reader.read(from, limits);
  }

  waitFor(offset: LogOffset, signal?: AbortSignal): Promise<void> {
    return this.durableEnd.waitPast(offset, signal);
  }

  bounds(): LogBounds {
    return { start: this.bases[0]!, end: this.durableEnd.get() };
  }

  /** What a consumer on a worker thread passes to openLogReader (file/worker-reader.ts). */
  readerHandoff(): LogReaderHandoff {
    return {
      dataDir: this.dataDir,
      durableEnd: this.durableEnd.shared,
      maxRecordBytes: this.limits.maxRecordBytes,
    };
  }

  stats(): LogStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commits.idle();
    await this.removing;
    await this.consumerRegistry?.flushed();
    await this.reader.close();
    await this.active.close();
  }

  /** One group: a new segment first when the active one is full, then one write and one sync. */
  private async writeGroup(buffers: Buffer[], records: number): Promise<LogOffset> {
    try {
      if (this.active.size >= this.limits.segmentBytes) await this.roll();
      const first = this.active.end;
      await this.active.append(buffers, records);
      this.counters.syncs++;
      this.counters.appends += buffers.length;
      this.counters.records += records;
      this.counters.bytes += buffers.reduce((n, b) => n + b.length, 0);
      this.durableEnd.set(this.active.end);
      return first;
    } catch (error) {
      this.counters.failedWrites++;
      throw error;
    }
  }

  private async roll(): Promise<void> {
    const next = await ActiveSegment.create(this.dir, this.active.end, this.ops).catch((error: unknown) => {
      throw new LogWriteError(error);
    });
    await this.active.close();
    this.active = next;
    this.bases.push(next.base);
    void this.removeConsumedSegments();
  }

  /**
   * Removes the segments every consumer has passed (one pass at a time). A failed removal is
   * reported and tried again at the next release or roll: it must not fail the consumer's release.
   */
  private removeConsumedSegments(): Promise<void> {
    const pass = this.removing.then(() =>
      this.removalPass().catch((error: unknown) => {
        console.error(`event log: removing consumed segments failed: ${(error as Error).message}`);
      }),
    );
    this.removing = pass;
    return pass;
  }

  private async removalPass(): Promise<void> {
    if (this.closed || !this.consumerRegistry) return;
    const positions = this.consumerRegistry.positions();
    if (positions.size === 0) return;
    const slowest = Math.min(...positions.values());
    const sealed: SealedSegment[] = [];
    for (let i = 0; i + 1 < this.bases.length && this.bases[i + 1]! <= slowest; i++) {
      const base = this.bases[i]!;
      const { mtimeMs } = await stat(segmentPath(this.dir, base));
      sealed.push({ base, nextBase: this.bases[i + 1]!, lastAppendMs: mtimeMs });
    }
    const doomed = removableSegments(sealed, positions, this.limits.retentionMs, this.nowMs());
    if (doomed.length === 0) return;
    // Readers stop seeing them first (the list is the start of the log), then the files go.
    this.bases.splice(0, doomed.length);
    for (const base of doomed) await unlink(segmentPath(this.dir, base));
    await syncDirectory(this.dir);
    this.counters.removedSegments += doomed.length;
  }
}
