import { SerialQueue } from '../../util/serial-queue.js';
import type { EventRow, InsertResult } from '../engine.js';
import { EventDedupe } from '../event-dedupe.js';
import type { ClickHouseTransport, Settings } from './transport.js';

/** seq = node × NODE_SPAN + n: each node numbers its own events, strictly increasing, never colliding with another's. */
export const NODE_SPAN = 2 ** 43;
export const MAX_NODES = 1024;
/** Fingerprints are loaded in pages of about this many rows at start. */
const LOAD_PAGE_ROWS = 1_000_000;

export const seqRange = (node: number) => ({ low: node * NODE_SPAN, high: (node + 1) * NODE_SPAN });

/**
 * Group commits into `events`, one at a time, so a node's seq order is its commit order.
 * De-duplication by (project_id, uuid) and seq numbers: event-dedupe.ts (a plain MergeTree, so
 * reads need no FINAL). Events that reach *another* node are checked against what that node
 * loaded at its start plus its own inserts (docs/SCALING.md: sessions are routed to one node, so
 * retries come back to it).
 */
export class ClickHouseEventWriter {
  /** Inserts run one at a time: each takes the next seq numbers and checks the fingerprints. */
  private readonly inserts = new SerialQueue();

  private constructor(
    private readonly transport: ClickHouseTransport,
    private readonly settings: Settings,
    private readonly dedupe: EventDedupe,
  ) {}

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
    const dedupe = new EventDedupe(Math.max(low, top) + 1);
    await loadFingerprints(transport, settings, dedupe);
    return new ClickHouseEventWriter(transport, settings, dedupe);
  }

  insert(rows: readonly EventRow[]): Promise<InsertResult> {
    return this.inserts.run(() => this.write(rows));
  }

  /** Waits for the inserts queued so far. */
  drain(): Promise<void> {
    return this.inserts.idle();
  }

  private async write(rows: readonly EventRow[]): Promise<InsertResult> {
    const split = this.dedupe.split(
      rows.map((r) => r.project_id),
      rows.map((r) => r.uuid),
    );
    const fresh = split.fresh.map((i, k) =>
      insertRow(rows[i] as EventRow, split.firstSeq + i, split.hi[k]!, split.lo[k]!),
    );
    // Before the insert: a failed insert may still have reached a shard, and its seqs must not be reused.
    this.dedupe.skip(split);
    // One INSERT is one part written atomically on a single table (and, with
    // insert_distributed_sync, acknowledged after every shard wrote its share).
    await this.transport.insert('events', fresh, this.settings);
    return this.dedupe.committed(split);
  }
}

/** An event as `events` takes it: times in whole ms (capture keeps sub-ms precision), its seq and fingerprint. */
export function insertRow(row: EventRow, seq: number, hi: number, lo: number): Record<string, unknown> {
  return {
    ...row,
    country: row.country ?? '',
    timestamp: Math.round(row.timestamp),
    received_at: Math.round(row.received_at),
    seq,
    fp_hi: hi,
    fp_lo: lo,
  };
}

/** Fingerprints of the stored events (of seqs in (low, high) when given) into `dedupe`, in bounded pages. */
export async function loadFingerprints(
  transport: ClickHouseTransport,
  settings: Settings,
  dedupe: Pick<EventDedupe, 'addStored'>,
  range?: { low: number; high: number },
): Promise<void> {
  const within = range ? `seq > ${range.low} AND seq < ${range.high}` : '1';
  const total = await transport.query(`SELECT count() AS n FROM events WHERE ${within}`, settings);
  const pages = Math.max(1, Math.ceil(Number(total.data[0]?.['n'] ?? 0) / LOAD_PAGE_ROWS));
  for (let page = 0; page < pages; page++) {
    // Pages by residue of fp_lo: a bounded response each, and no ORDER BY over the table.
    const result = await transport.query(
      `SELECT fp_hi, fp_lo FROM events WHERE ${within} AND fp_lo % ${pages} = ${page}`,
      settings,
    );
    dedupe.addStored(
      result.data.map((r) => Number(r['fp_hi'])),
      result.data.map((r) => Number(r['fp_lo'])),
    );
  }
}
