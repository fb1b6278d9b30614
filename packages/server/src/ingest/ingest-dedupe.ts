import type { EventRecord } from '../log/event-record.js';
import type { EventRow } from '../storage/engine.js';
import { FingerprintSet, fingerprint } from '../storage/event-dedupe.js';
import { FingerprintOwners } from './fingerprint-owners.js';

/**
 * The rows of a request that were not stored before, and the fingerprints held for them meanwhile
 * (pending until confirmed or abandoned).
 */
export class Claim {
  readonly fresh: EventRow[] = [];
  /** Rows whose (project, uuid) was stored already, or claimed by a request still being appended, or repeated in this one. */
  duplicates = 0;
  /** Fingerprints of `fresh`, parallel to it. */
  readonly hi: number[] = [];
  readonly lo: number[] = [];
  /**
   * Appends of other requests holding some of these rows (a retry racing its original): each
   * resolves true once durable, false if it failed. The request may only call those rows
   * duplicates once every one of them is durable.
   */
  racing: readonly Promise<boolean>[] = NO_RACE;
  /** Whether this claim's own append became durable, once known. */
  private outcome: boolean | undefined;
  /** Made only when a later request races this one: most claims are never waited for. */
  private waited: { promise: Promise<boolean>; resolve: (durable: boolean) => void } | undefined;

  /** Resolves with whether this claim's append became durable (at once if that is known). */
  durable(): Promise<boolean> {
    if (this.outcome !== undefined) return Promise.resolve(this.outcome);
    if (!this.waited) {
      let resolve: (durable: boolean) => void = () => undefined;
      const promise = new Promise<boolean>((settle) => {
        resolve = settle;
      });
      this.waited = { promise, resolve };
    }
    return this.waited.promise;
  }

  /** Settles `durable()` for the requests racing this one. */
  settle(durable: boolean): void {
    this.outcome = durable;
    this.waited?.resolve(durable);
  }
}

const NO_RACE: readonly Promise<boolean>[] = [];

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
  /** Fingerprints being appended, each held by the claim whose append it is. */
  private readonly pending = new FingerprintOwners<Claim>();

  constructor(expected = 0) {
    this.stored = new FingerprintSet(Math.max(1 << 16, Math.ceil(expected * 1.4)));
  }

  get size(): number {
    return this.stored.size;
  }

  addStored(hi: ArrayLike<number>, lo: ArrayLike<number>): void {
    this.stored.addStored(hi, lo);
  }

  /** An event acknowledged earlier: by the fingerprint its log record carries, else computed. */
  addRow(row: Pick<EventRecord, 'project_id' | 'uuid'> & Partial<EventRecord>): void {
    if (row.fp_hi !== undefined && row.fp_lo !== undefined) this.stored.add(row.fp_hi, row.fp_lo);
    else this.stored.add(...fingerprint(row.project_id, row.uuid));
  }

  claim(rows: readonly EventRow[]): Claim {
    const claim = new Claim();
    let racing: Claim[] | undefined;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const [h, l] = fingerprint(row.project_id, row.uuid);
      if (this.stored.has(h, l)) {
        claim.duplicates++;
        continue;
      }
      const holder = this.pending.hold(h, l, claim);
      if (holder !== undefined) {
        // Held by this request (a repeat: its first occurrence is the one appended) or by another
        // one still being appended (a retry racing its original).
        claim.duplicates++;
        if (holder === claim) continue;
        if (!racing) racing = [holder];
        else if (!racing.includes(holder)) racing.push(holder);
        continue;
      }
      claim.fresh.push(row);
      claim.hi.push(h);
      claim.lo.push(l);
    }
    if (racing) claim.racing = racing.map((other) => other.durable());
    return claim;
  }

  /** The claim's rows are durable: from now on they are duplicates for good. */
  confirm(claim: Claim): void {
    for (let i = 0; i < claim.hi.length; i++) {
      this.stored.add(claim.hi[i]!, claim.lo[i]!);
      this.pending.release(claim.hi[i]!, claim.lo[i]!, claim);
    }
    claim.settle(true);
  }

  /** The claim's rows were not appended: a retry of them is fresh. */
  abandon(claim: Claim): void {
    for (let i = 0; i < claim.hi.length; i++) this.pending.release(claim.hi[i]!, claim.lo[i]!, claim);
    claim.settle(false);
  }
}
