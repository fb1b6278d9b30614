import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  StorageType,
} from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node';
import { LogClosedError, LogOffsetRemovedError, LogRecordTooLargeError } from '../errors.js';
import type {
  AppendOptions,
  AppendResult,
  EventLog,
  LogBounds,
  LogOffset,
  LogRecord,
  LogStats,
  ReadLimits,
} from '../event-log.js';
import { zeroLogStats } from '../event-log.js';
import { NatsConsumers } from './nats-consumers.js';
import { NatsGroupPublish } from './nats-group-publish.js';
import { ReadCursors } from './read-cursors.js';

export interface NatsEventLogOptions {
  /** nats://host:port of the cluster's nodes (any one is enough to connect; all give fail-over). */
  servers: string[];
  /** A connection to share (a partitioned log's partitions share one); closing the log leaves it open. */
  connection?: NatsConnection;
  /** The JetStream stream holding the records (created if missing): [A-Za-z0-9_-]. */
  stream: string;
  /** Copies JetStream keeps of each record (3 in a 3-node cluster: one node may fail). */
  replicas: number;
  /** Largest record appended (the stream refuses larger messages). */
  maxRecordBytes: number;
  /** Consumed records are kept this long before removal (a replay window; 0 = remove at once). */
  retentionMs?: number;
  /** The clock the retention window is measured with (tests move it). */
  nowMs?: () => number;
  /** A retried append with the same id within this window is stored once (JetStream's duplicate window). */
  duplicateWindowMs?: number;
  /**
   * An append not acknowledged within this fails (capture answers 503 and the client retries; the
   * retry's ids make it a duplicate if the first try got in). Bounds the wait when a stream's
   * leader dies with publishes in flight: JetStream elects another within a few seconds.
   */
  ackTimeoutMs?: number;
}

/**
 * A connection that reconnects for ever (a NATS node restarting is routine), without the stack
 * trace the client otherwise records for every request in case it fails: each publish is a request,
 * and capturing them cost more of capture's CPU than publishing (measured in a CPU profile).
 */
export function connectToNats(servers: string[]): Promise<NatsConnection> {
  return connect({ servers, name: 'sightline', maxReconnectAttempts: -1, noAsyncTraces: true });
}

/** How often a waiter for records appended elsewhere (another node) asks for the stream's end. */
const END_POLL_MS = 50;
export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
export const DEFAULT_ACK_TIMEOUT_MS = 2_000;
const READ_TIMEOUT_MS = 5_000;

/**
 * The event log on a NATS JetStream stream: a record is a message, its offset the message's stream
 * sequence − 1 (dense: JetStream numbers every stored message, and removal only purges from the
 * front). An append is acknowledged once JetStream acknowledged each of its records, which it does
 * after a quorum of replicas stored it (group commit: nats-group-publish.ts). Unlike the file log,
 * a rejected append may have stored some of its records: capture's retry carries the same ids, so
 * JetStream takes those as duplicates.
 */
export class NatsEventLog implements EventLog {
  readonly consumers: NatsConsumers;
  private startOffset: LogOffset;
  private endOffset: LogOffset;
  private readonly publish: NatsGroupPublish;
  private closed = false;
  private poller: NodeJS.Timeout | null = null;
  private readonly cursors: ReadCursors;
  private readonly waiters = new Set<{ offset: LogOffset; wake: () => void; fail: (error: Error) => void }>();
  private readonly counters: LogStats = zeroLogStats();

  private constructor(
    private readonly nc: NatsConnection,
    publishing: JetStreamClient,
    /** Reads wait longer than appends: a read after a leader's death may wait for the election. */
    reading: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: NatsEventLogOptions,
    bounds: LogBounds,
    kv: KV,
    positions: Map<string, LogOffset>,
  ) {
    this.startOffset = bounds.start;
    this.endOffset = bounds.end;
    this.publish = new NatsGroupPublish(publishing, `${options.stream}.records`, this.counters, (seq) =>
      this.advanceEnd(seq),
    );
    this.cursors = new ReadCursors(reading, options.stream);
    this.consumers = new NatsConsumers(
      kv,
      positions,
      () => this.startOffset,
      () => this.endOffset,
      (lowest) => this.removeBefore(lowest),
    );
  }

  static async open(options: NatsEventLogOptions): Promise<NatsEventLog> {
    const nc = options.connection ?? (await connectToNats(options.servers));
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, options);
      const kv = await new Kvm(nc).create(`${options.stream}-consumers`, { replicas: options.replicas });
      const bounds = await streamBounds(jsm, options.stream);
      const publishing = jetstream(nc, { timeout: options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS });
      const reading = jetstream(nc, { timeout: READ_TIMEOUT_MS });
      const positions = await NatsConsumers.stored(kv);
      return new NatsEventLog(nc, publishing, reading, jsm, options, bounds, kv, positions);
    } catch (error) {
      if (!options.connection) await nc.close();
      throw error;
    }
  }

  append(records: readonly Buffer[] | readonly string[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new LogClosedError());
    const buffers = records.map((r) => (typeof r === 'string' ? Buffer.from(r, 'utf8') : r));
    for (const b of buffers)
      if (b.length > this.options.maxRecordBytes)
        return Promise.reject(new LogRecordTooLargeError(b.length, this.options.maxRecordBytes));
    if (buffers.length === 0) return Promise.resolve({ first: this.endOffset, last: this.endOffset - 1 });
    if (options.ids && options.ids.length !== buffers.length)
      return Promise.reject(new RangeError(`${options.ids.length} ids for ${buffers.length} records`));
    return this.publish.submit({ records: buffers, ids: options.ids });
  }

  async read(from: LogOffset, limits: ReadLimits): Promise<LogRecord[]> {
    if (this.closed) throw new LogClosedError();
    if (from < this.startOffset) throw new LogOffsetRemovedError(from, this.startOffset);
    if (from >= this.endOffset) await this.refreshEnd();
    const count = Math.min(limits.maxRecords, this.endOffset - from);
    if (count <= 0) return [];
    const consumer = await this.cursors.at(from);
    const out: LogRecord[] = [];
    let bytes = 0;
    let whole = true;
    const messages = await consumer.fetch({ max_messages: count, expires: 5_000 });
    for await (const message of messages) {
      const data = Buffer.from(message.data);
      if (out.length > 0 && limits.maxBytes !== undefined && bytes + data.length > limits.maxBytes) {
        whole = false;
        break;
      }
      out.push({ offset: message.seq - 1, data });
      bytes += data.length;
      if (out.length === count) break;
    }
    // A purge may have raced the read: what it removed is not returned as if it were there.
    if (out.length > 0 && out[0]!.offset !== from) {
      await consumer.delete().catch(() => undefined);
      throw new LogOffsetRemovedError(from, out[0]!.offset);
    }
    // A fetch cut short left messages delivered but not taken: that cursor is not where the next read starts.
    if (whole) this.cursors.keep(from + out.length, consumer);
    else await consumer.delete().catch(() => undefined);
    return out;
  }

  waitFor(offset: LogOffset, signal?: AbortSignal): Promise<void> {
    if (this.endOffset > offset) return Promise.resolve();
    if (this.closed) return Promise.reject(new LogClosedError());
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const waiter = {
        offset,
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        fail: (error: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.waiters.delete(waiter);
        this.stopPollingIfIdle();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
      // Records appended by another node arrive without this log's appends: ask the stream.
      this.poller ??= setInterval(() => void this.refreshEnd().catch(() => undefined), END_POLL_MS);
    });
  }

  bounds(): LogBounds {
    return { start: this.startOffset, end: this.endOffset };
  }

  /** The stream's end now, asked of JetStream (it counts what every node appended). */
  async currentEnd(): Promise<LogOffset> {
    await this.refreshEnd();
    return this.endOffset;
  }

  stats(): LogStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.publish.idle();
    if (this.poller) clearInterval(this.poller);
    await this.cursors.closeAll();
    // A reader still waiting for records learns the log is gone instead of waiting forever.
    for (const waiter of this.waiters) waiter.fail(new LogClosedError());
    this.waiters.clear();
    if (!this.options.connection) await this.nc.close();
  }

  private advanceEnd(end: LogOffset): void {
    if (end <= this.endOffset) return;
    this.endOffset = end;
    for (const waiter of this.waiters)
      if (end > waiter.offset) {
        this.waiters.delete(waiter);
        waiter.wake();
      }
    this.stopPollingIfIdle();
  }

  private stopPollingIfIdle(): void {
    if (this.waiters.size > 0 || !this.poller) return;
    clearInterval(this.poller);
    this.poller = null;
  }

  private async refreshEnd(): Promise<void> {
    const bounds = await streamBounds(this.jsm, this.options.stream);
    this.advanceEnd(bounds.end);
  }

  /**
   * Purges the records before `lowest` that are also older than the retention window. The newest
   * such record is found by binary search over the records' stored times.
   */
  private async removeBefore(lowest: LogOffset): Promise<void> {
    let upTo = Math.min(lowest, this.endOffset);
    const retention = this.options.retentionMs ?? 0;
    if (retention > 0 && upTo > this.startOffset) {
      const cutoff = (this.options.nowMs ?? Date.now)() - retention;
      let lo = this.startOffset;
      let hi = upTo; // invariant: every record before lo is old enough, none from hi on is known to be
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        const message = await this.jsm.streams.getMessage(this.options.stream, { seq: mid + 1 });
        if (message && message.time.getTime() <= cutoff) lo = mid + 1;
        else hi = mid;
      }
      upTo = lo;
    }
    if (upTo <= this.startOffset) return;
    await this.jsm.streams.purge(this.options.stream, { seq: upTo + 1 });
    this.startOffset = upTo;
    this.counters.removedSegments++;
  }
}

async function ensureStream(jsm: JetStreamManager, options: NatsEventLogOptions): Promise<void> {
  const config = {
    name: options.stream,
    subjects: [`${options.stream}.records`],
    storage: StorageType.File,
    num_replicas: options.replicas,
    max_msg_size: options.maxRecordBytes,
    duplicate_window: nanos(options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
    allow_direct: true,
  };
  try {
    await jsm.streams.info(options.stream);
  } catch {
    await jsm.streams.add(config);
  }
}

/** [start, end) from the stream's state: an empty stream (or one purged to its end) starts at its end. */
async function streamBounds(jsm: JetStreamManager, stream: string): Promise<LogBounds> {
  const { state } = await jsm.streams.info(stream);
  const end = state.last_seq;
  return { start: state.messages === 0 ? end : state.first_seq - 1, end };
}
