import type { EventRow } from '../storage/engine.js';
import { FingerprintSet, fingerprint } from '../storage/event-dedupe.js';

/** The rows of a request that were not stored before, and the fingerprints held for them meanwhile. */
export interface Claim {
  fresh: EventRow[];
  /** Rows whose (project, uuid) was stored already, or claimed by a request still being appended, or repeated in this one. */
  duplicates: number;
  /** Fingerprints of `fresh`, as `hi:lo` keys (pending until confirmed or abandoned). */
  keys: string[];
  hi: number[];
  lo: number[];
  /**
   * Appends of other requests holding some of these rows (a retry racing its original): each
   * resolves true once durable, false if it failed. The request may only call those rows
   * duplicates once every one of them is durable.
   */
  racing: Promise<boolean>[];
  /** Settles this claim's own entry in `racing` of later requests. */
  settle: (durable: boolean) => void;
}

/**
 * Capture's duplicate check before the event log (ingest/log-committer.ts): the fingerprints of
 * every stored event (event-dedupe.ts explains the fingerprint and its memory cost) plus those
 * appended since. A request's fresh rows are claimed while its append is under way, so a retry
 * racing it on another connection is a duplicate — answered only once that append is durable (if
 * it fails, the claim is dropped, the racing request is refused with 503 too, and a retry is
 * fresh again: an event is never answered as stored on the strength of an append that failed). Runs on the HTTP thread: a few hash probes per event.
 */
export class IngestDedupe {
  private readonly stored: FingerprintSet;
  /** Fingerprints being appended, each with whether its append became durable. */
  private readonly pending = new Map<string, Promise<boolean>>();

  constructor(expected = 0) {
    this.stored = new FingerprintSet(Math.max(1 << 16, Math.ceil(expected * 1.4)));
  }

  get size(): number {
    return this.stored.size;
  }

  addStored(hi: ArrayLike<number>, lo: ArrayLike<number>): void {
    for (let i = 0; i < hi.length; i++) this.stored.add(hi[i]!, lo[i]!);
  }

  addRow(projectId: string, uuid: string): void {
    const [h, l] = fingerprint(projectId, uuid);
    this.stored.add(h, l);
  }

  claim(rows: readonly EventRow[]): Claim {
    let settle: (durable: boolean) => void = () => undefined;
    const appended = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const claim: Claim = { fresh: [], duplicates: 0, keys: [], hi: [], lo: [], racing: [], settle };
    const racing = new Set<Promise<boolean>>();
    for (const row of rows) {
      const [h, l] = fingerprint(row.project_id, row.uuid);
      const key = `${h}:${l}`;
      if (this.stored.has(h, l)) {
        claim.duplicates++;
        continue;
      }
      const other = this.pending.get(key);
      if (other) {
        claim.duplicates++;
        racing.add(other);
        continue;
      }
      this.pending.set(key, appended);
      claim.fresh.push(row);
      claim.keys.push(key);
      claim.hi.push(h);
      claim.lo.push(l);
    }
    claim.racing = [...racing];
    return claim;
  }

  /** The claim's rows are durable: from now on they are duplicates for good. */
  confirm(claim: Claim): void {
    for (let i = 0; i < claim.keys.length; i++) {
      this.stored.add(claim.hi[i]!, claim.lo[i]!);
      this.pending.delete(claim.keys[i]!);
    }
    claim.settle(true);
  }

  /** The claim's rows were not appended: a retry of them is fresh. */
  abandon(claim: Claim): void {
    for (const key of claim.keys) this.pending.delete(key);
    claim.settle(false);
  }
}
