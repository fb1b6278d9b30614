import { setTimeout as sleep } from 'node:timers/promises';
import type { LogOffset } from '../../log/event-log.js';
import { DurableEnd } from '../../log/file/durable-end.js';
import { type LogReader, openLogReader } from '../../log/file/worker-reader.js';
import { CONSUMER_LINGER_MS } from '../../log/limits.js';
import type { EventRow } from '../engine.js';
import type { LogLoaderArgs } from '../log-loading.js';
import { toColumns } from './columns.js';
import type { EventWriter } from './event-writer.js';

/** After a failed load (the store is unusable: disk full, recovery), wait this long before trying again. */
const RETRY_MS = 500;
/** A failure that repeats is logged again at most this often (it is retried every RETRY_MS). */
const LOG_EVERY_MS = 60_000;

/**
 * The loader: moves the event log into `events` on the database thread, never the HTTP thread.
 * Each batch is one transaction holding its rows and the next offset (event-writer.ts), so what
 * a crash leaves is exactly the batches that committed. After each commit it publishes the
 * position, which read-your-acks waits on and the HTTP thread releases to the log.
 */
export class LogLoader {
  private readonly stop = new AbortController();
  private readonly running: Promise<void>;
  private readonly reader: LogReader;
  private readonly loaded: DurableEnd;
  /** The log's durable end (shared with the appending thread). */
  private readonly end: DurableEnd;
  private lastLogged = { message: '', at: 0 };

  constructor(
    private readonly writer: EventWriter,
    private readonly args: LogLoaderArgs,
    /** Told of each failed load: the HTTP thread's health monitor judges it like a failed call. */
    private readonly onFailure: (error: Error) => void,
  ) {
    this.reader = openLogReader(args.log);
    this.loaded = new DurableEnd(args.loaded);
    this.end = new DurableEnd(args.log.durableEnd);
    this.running = this.run();
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
    await this.reader.close();
  }

  /** Where to go on from: the stored position (read again until it can be: guessing would load twice). */
  private async position(): Promise<LogOffset | null> {
    for (;;) {
      try {
        return (await this.writer.loadedOffset()) ?? this.args.from;
      } catch (error) {
        if (this.stop.signal.aborted) return null;
        this.failed(error as Error, this.args.from);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** Tells the monitor of every failure; logs the first of a kind and then at most once a minute. */
  private failed(error: Error, offset: LogOffset): void {
    this.onFailure(error);
    const now = Date.now();
    if (error.message === this.lastLogged.message && now - this.lastLogged.at < LOG_EVERY_MS) return;
    this.lastLogged = { message: error.message, at: now };
    console.error(
      `[sightline] event loader: loading from log offset ${offset} failed (retrying): ${error.message}`,
    );
  }

  private async run(): Promise<void> {
    const start = await this.position();
    if (start === null) return;
    let next = start;
    this.loaded.set(next);
    const signal = this.stop.signal;
    while (!signal.aborted) {
      try {
        await this.reader.waitFor(next, signal);
        if (this.end.get() - next < this.args.maxRecords)
          await sleep(CONSUMER_LINGER_MS, undefined, { signal });
        const records = await this.reader.read(next, { maxRecords: this.args.maxRecords });
        if (records.length === 0) continue;
        const rows = records.map((r) => JSON.parse(r.data.toString('utf8')) as EventRow);
        const after = records[records.length - 1]!.offset + 1;
        await this.writer.load(toColumns(rows), after);
        next = after;
        this.loaded.set(next);
      } catch (error) {
        if (signal.aborted) return;
        this.failed(error as Error, next);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
