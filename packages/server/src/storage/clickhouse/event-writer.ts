import { SerialQueue } from '../../util/serial-queue.js';
import { FingerprintSet, fingerprint } from '../duckdb/fingerprints.js';
import type { EventRow, InsertResult } from '../engine.js';
import type { ClickHouseTransport, Settings } from './transport.js';

/** seq = node × NODE_SPAN + n: each node numbers its own events, strictly increasing, never colliding with another's. */
export const NODE_SPAN = 2 ** 43;
export const MAX_NODES = 1024;
/** Fingerprints are loaded in pages of about this many rows at start. */
const LOAD_PAGE_ROWS = 1_000_000;

export const seqRange = (node: number) => ({ low: node * NODE_SPAN, high: (node + 1) * NODE_SPAN });

/**
 * Group commits into `events`, one at a time, so a node's seq order is its commit order.
 *
 * Dedupe by (project_id, uuid) at insert, like DuckDB's (fingerprints.ts): the 64-bit fingerprints
 * of stored events are loaded at start and checked before each insert. The alternative, a
 * ReplacingMergeTree keyed by uuid, would leave duplicates until a background merge that may
 * never come, so every query would need FINAL (a merge at read time, single-threaded per part
 * range on 18.16) or argMax per uuid: a cost on every read to save a hash probe per write.
 * Events that reach *another* node are checked against what that node loaded at its start plus
 * its own inserts (docs/SCALING.md: sessions are routed to one node, so retries come back to it).
 */
export class ClickHouseEventWriter {
  private readonly stored = new FingerprintSet();
  private nextSeq: number;
  /** Inserts run one at a time: each takes the next seq numbers and checks the fingerprints. */
  private readonly inserts = new SerialQueue();

  private constructor(
    private readonly transport: ClickHouseTransport,
    private readonly settings: Settings,
    firstSeq: number,
  ) {
    this.nextSeq = firstSeq;
  }

  static async open(
    transport: ClickHouseTransport,
    node: number,
    settings: Settings,
  ): Promise<ClickHouseEventWriter> {
    const { low, high } = seqRange(node);
    const max = await transport.query(
      `SELECT max(seq) AS m, count() AS n FROM events WHERE seq > ${low} AND seq < ${high}`,
      settings,
    );
    const top = Number(max.data[0]?.['m'] ?? 0);
    const writer = new ClickHouseEventWriter(transport, settings, Math.max(low, top) + 1);
    await writer.loadFingerprints();
    return writer;
  }

  insert(rows: readonly EventRow[]): Promise<InsertResult> {
    return this.inserts.run(() => this.write(rows));
  }

  /** Waits for the inserts queued so far. */
  drain(): Promise<void> {
    return this.inserts.idle();
  }

  private async loadFingerprints(): Promise<void> {
    const total = await this.transport.query('SELECT count() AS n FROM events', this.settings);
    const pages = Math.max(1, Math.ceil(Number(total.data[0]?.['n'] ?? 0) / LOAD_PAGE_ROWS));
    for (let page = 0; page < pages; page++) {
      // Pages by residue of fp_lo: a bounded response each, and no ORDER BY over the table.
      const result = await this.transport.query(
        `SELECT fp_hi, fp_lo FROM events WHERE fp_lo % ${pages} = ${page}`,
        this.settings,
      );
      for (const r of result.data) this.stored.add(Number(r['fp_hi']), Number(r['fp_lo']));
    }
  }

  private async write(rows: readonly EventRow[]): Promise<InsertResult> {
    const n = rows.length;
    const firstSeq = this.nextSeq;
    const inserted = new Uint8Array(n);
    const fresh: Array<Record<string, unknown>> = [];
    const prints: number[] = [];
    const inGroup = new FingerprintSet(n * 2);
    for (let i = 0; i < n; i++) {
      const r = rows[i] as EventRow;
      const [hi, lo] = fingerprint(r.project_id, r.uuid);
      // Already stored, or repeated earlier in this group: the first occurrence wins.
      if (this.stored.has(hi, lo) || !inGroup.add(hi, lo)) continue;
      inserted[i] = 1;
      prints.push(hi, lo);
      fresh.push({
        ...r,
        timestamp: Math.round(r.timestamp),
        received_at: Math.round(r.received_at),
        seq: firstSeq + i,
        fp_hi: hi,
        fp_lo: lo,
      });
    }
    // Moved on before the insert: a failed insert may still have reached a shard, and its seqs must not be reused.
    this.nextSeq = firstSeq + n;
    // One INSERT is one part written atomically on a single table (and, with
    // insert_distributed_sync, acknowledged after every shard wrote its share).
    await this.transport.insert('events', fresh, this.settings);
    for (let k = 0; k < prints.length; k += 2) this.stored.add(prints[k] as number, prints[k + 1] as number);
    return { firstSeq, inserted };
  }
}
