import { setTimeout as sleep } from 'node:timers/promises';
import type { EventLog, LogOffset } from '../../log/event-log.js';
import { parseEventRecord } from '../../log/event-record.js';
import type { StoredEvent } from '../engine.js';
import { FingerprintSet, fingerprint } from '../event-dedupe.js';
import type { PartitionLoader, PartitionLoaderListeners } from '../partition-storage.js';
import { asStoredEvent } from '../stored-event.js';
import { insertRow, loadFingerprints, MAX_NODES, seqRange } from './event-writer.js';
import type { ClickHouseTransport, Settings } from './transport.js';

/**
 * A partition of the NATS event log numbers its events in a seq range of its own, counted down from
 * the top (node-numbered writers count up from 0: docs/SCALING.md), seq = range start + offset + 1,
 * and its processor keeps its checkpoint and state under the same node number.
 */
export const partitionNode = (partition: number) => MAX_NODES - 1 - partition;
export const partitionRange = (partition: number) => seqRange(partitionNode(partition));
export const MAX_PARTITIONS = 256;

/** The consumer name the loader holds the partition's records under until they are in ClickHouse. */
export const PARTITION_LOADER = 'clickhouse-loader';
export const DEFAULT_LOAD_BATCH = 10_000;
/**
 * Each INSERT is a part ClickHouse writes and later merges, and each batch is also a commit of the
 * partition's processor (partition-work.ts): under a trickle, records wait this long for company.
 * With 16 partitions, batch by batch as records came caused ~1,000 INSERTs a second and ClickHouse
 * took most of the machine (measured: 7.4 CPU s of 10 at 1,900 events/s); a read waits this much
 * longer for read-your-acks at most.
 */
export const LOAD_LINGER_MS = 250;
const RETRY_MS = 1_000;

/**
 * Loads one partition of the event log into ClickHouse, on the node that owns the partition,
 * exactly once without transactions or insert de-duplication (ClickHouse 18.16 has neither for a
 * plain MergeTree): an event's seq is its log offset, so what is stored says what was loaded. A
 * crash may leave the last batch partly stored (one INSERT can become several parts); a loader
 * starting on the partition goes back one batch from the highest stored seq and skips the seqs it
 * finds there. Events another try of the same (project, uuid) produced, past JetStream's duplicate
 * window, land in the same partition (same session) and are skipped by fingerprint.
 */
export class ClickHousePartitionLoader implements PartitionLoader {
  private constructor(
    private readonly transport: ClickHouseTransport,
    private readonly settings: Settings,
    private readonly log: EventLog,
    private readonly low: number,
    private readonly stored: FingerprintSet,
    private next: LogOffset,
    /** Seqs at or after `next` found stored at start (the partly stored last batch). */
    private readonly present: Set<number>,
    private readonly batch: number,
    private readonly listeners: Partial<PartitionLoaderListeners>,
  ) {}

  static async open(
    transport: ClickHouseTransport,
    settings: Settings,
    partition: number,
    log: EventLog,
    batch = DEFAULT_LOAD_BATCH,
    listeners: Partial<PartitionLoaderListeners> = {},
  ): Promise<ClickHousePartitionLoader> {
    if (!Number.isInteger(partition) || partition < 0 || partition >= MAX_PARTITIONS)
      throw new Error(`log partition must be an integer 0..${MAX_PARTITIONS - 1}, got ${partition}`);
    const range = partitionRange(partition);
    const stored = new FingerprintSet();
    await loadFingerprints(transport, settings, stored, range);
    const top = await transport.query(
      `SELECT max(seq) AS m FROM events WHERE seq > ${range.low} AND seq < ${range.high}`,
      settings,
    );
    const highest = Number(top.data[0]?.['m'] ?? 0);
    const position = await log.consumers.register(PARTITION_LOADER);
    const present = new Set<number>();
    let next = position;
    if (highest > range.low) {
      const loadedTo = highest - range.low; // the offset after the highest stored one
      next = Math.max(position, log.bounds().start, loadedTo - batch);
      const found = await transport.query(
        `SELECT seq FROM events WHERE seq > ${range.low + next} AND seq <= ${highest}`,
        settings,
      );
      for (const row of found.data) present.add(Number(row['seq']));
    }
    return new ClickHousePartitionLoader(
      transport,
      settings,
      log,
      range.low,
      stored,
      next,
      present,
      batch,
      listeners,
    );
  }

  /** The last INSERT failed: what it stored, if anything, is looked up before the next one. */
  private uncertain = false;

  /** Adds the seqs stored from `next` to `last` (offsets) to `present`, so the next INSERT skips them. */
  private async findStored(last: LogOffset): Promise<void> {
    const found = await this.transport.query(
      `SELECT seq FROM events WHERE seq > ${this.low + this.next} AND seq <= ${this.low + last + 1}`,
      this.settings,
    );
    for (const row of found.data) this.present.add(Number(row['seq']));
    this.uncertain = false;
  }

  /** The offset the loader goes on from. */
  get position(): LogOffset {
    return this.next;
  }

  /** Loads what the log holds now, a batch per INSERT; resolves with the events inserted. */
  async loadAvailable(signal?: AbortSignal): Promise<number> {
    let inserted = 0;
    for (;;) {
      const records = await this.log.read(this.next, { maxRecords: this.batch });
      // Let go while the read waited (a NATS server gone: reads wait for the reconnect): another
      // node may be loading the partition by now, and an INSERT from here would store it twice.
      if (records.length === 0 || signal?.aborted) return inserted;
      if (this.uncertain) await this.findStored(records.at(-1)!.offset);
      const rows: Array<Record<string, unknown>> = [];
      const read: StoredEvent[] = [];
      const fresh = new Uint8Array(records.length);
      const batch = new FingerprintSet(records.length * 2);
      for (const record of records) {
        const seq = this.low + record.offset + 1;
        const { fp_hi, fp_lo, ...row } = parseEventRecord(record.data);
        read.push(asStoredEvent(row, seq));
        // Stored by an earlier loader that stopped mid-batch: not again, but the processor may need it.
        if (this.present.has(seq)) {
          fresh[read.length - 1] = 1;
          continue;
        }
        const [hi, lo] =
          fp_hi === undefined || fp_lo === undefined ? fingerprint(row.project_id, row.uuid) : [fp_hi, fp_lo];
        if (this.stored.has(hi, lo) || !batch.add(hi, lo)) continue;
        fresh[read.length - 1] = 1;
        rows.push(insertRow(row, seq, hi, lo));
      }
      this.listeners.onRead?.(read, fresh);
      // Remembered only once stored: a failed INSERT is tried again, minus what it did store.
      if (signal?.aborted) return inserted;
      if (rows.length > 0) {
        try {
          await this.transport.insert('events', rows, this.settings);
        } catch (error) {
          // A timeout or a lost connection may come after ClickHouse stored the rows.
          this.uncertain = true;
          throw error;
        }
      }
      for (const row of rows) this.stored.add(row['fp_hi'] as number, row['fp_lo'] as number);
      for (const record of records) this.present.delete(this.low + record.offset + 1);
      this.next = records.at(-1)!.offset + 1;
      inserted += rows.length;
      await this.log.consumers.release(PARTITION_LOADER, this.next);
      if (rows.length > 0) this.listeners.onLoaded?.(new Set(rows.map((row) => row['project_id'] as string)));
    }
  }

  /** Loads until `signal` aborts, waiting for the log to grow in between; a failed batch is tried again. */
  async run(signal: AbortSignal, onError: (error: Error) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.loadAvailable(signal);
        await this.log.waitFor(this.next, signal);
        await sleep(LOAD_LINGER_MS, undefined, { signal });
      } catch (error) {
        if (signal.aborted) return;
        onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
