import { join } from 'node:path';
import type { LogOffset } from '../../log/event-log.js';
import { DurableEnd } from '../../log/file/durable-end.js';
import { type LogReader, openLogReader } from '../../log/file/worker-reader.js';
import type { LogLoaderArgs } from '../log-loading.js';
import type { EventWriter } from './event-writer.js';
import { DEFAULT_LOADER_CADENCE, lingerForCompany } from './loader-cadence.js';
import { type NdjsonScratch, ndjsonScratch } from './ndjson-batch.js';

/** The batch file the loader hands DuckDB's JSON reader, in the data directory (ndjson-batch.ts). */
const LOADER_BATCH_FILE = 'loader-batch.ndjson';
/** After a failed load (the store is unusable: disk full, recovery), wait this long before trying again. */
const RETRY_MS = 500;
/** A failure that repeats is logged again at most this often (it is retried every RETRY_MS). */
const LOG_EVERY_MS = 60_000;

/** One committed load, as a benchmark or metrics see it. */
export interface LoadedBatch {
  records: number;
  /** EventWriter.load: the batch file, the insert and the commit (with any checkpoint it ran). */
  commitMs: number;
  /** The offset the loader goes on from. */
  next: LogOffset;
}

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
  /** The end a waiting read needs loaded (the HTTP thread raises it): no lingering while it is ahead. */
  private readonly readsWaitFor: DurableEnd;
  private lastLogged = { message: '', at: 0 };
  private readonly scratch: NdjsonScratch;

  constructor(
    private readonly writer: EventWriter,
    private readonly args: LogLoaderArgs,
    /** Told of each failed load: the HTTP thread's health monitor judges it like a failed call. */
    private readonly onFailure: (error: Error) => void,
    /** Told of each committed batch (bench/loader-commit-latency.ts). */
    private readonly onLoaded?: (batch: LoadedBatch) => void,
  ) {
    this.reader = openLogReader(args.log);
    this.scratch = ndjsonScratch(join(args.log.dataDir, LOADER_BATCH_FILE), this.reader.maxRecordBytes);
    this.loaded = new DurableEnd(args.loaded);
    this.end = new DurableEnd(args.log.durableEnd);
    this.readsWaitFor = new DurableEnd(args.readsWaitFor);
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
    const cadence = this.args.cadence ?? DEFAULT_LOADER_CADENCE;
    let lastLoadStarted = Number.NEGATIVE_INFINITY;
    while (!signal.aborted) {
      try {
        // Records already waiting arrived during the last load (or before it): they waited since it began.
        let readyAt = lastLoadStarted;
        if (this.end.get() <= next) {
          await this.reader.waitFor(next, signal);
          readyAt = performance.now();
        }
        await lingerForCompany(this.end, this.readsWaitFor, next, readyAt, cadence, signal);
        const records = await this.reader.read(next, { maxRecords: this.args.maxRecords });
        if (records.length === 0) continue;
        const after = records[records.length - 1]!.offset + 1;
        lastLoadStarted = performance.now();
        await this.writer.load(records, after, this.scratch);
        next = after;
        this.loaded.set(next);
        this.onLoaded?.({ records: records.length, commitMs: performance.now() - lastLoadStarted, next });
      } catch (error) {
        if (signal.aborted) return;
        this.failed(error as Error, next);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
