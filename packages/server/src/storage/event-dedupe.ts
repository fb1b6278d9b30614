import type { InsertResult } from './engine.js';

/**
 * De-duplication by (project_id, uuid) and seq numbering for every engine's event writer.
 *
 * Why not a key in the store: DuckDB's PRIMARY KEY (an ART index maintained inside every group
 * commit) cost more than the rest of the insert together (measured: ~45k rows/s with it, ~90k
 * without); ClickHouse's ReplacingMergeTree would leave duplicates until a background merge that
 * may never come, so every read would need FINAL. Instead each stored event carries a 64-bit
 * fingerprint (`fp_hi`, `fp_lo` columns), loaded into memory at start: 8 bytes per stored event
 * (~130 MiB at 10 M events), and the duplicate check is a few hash probes. Two distinct keys share
 * a fingerprint with probability 2^-64 per pair (about 3 in a million over 10 M events): such an
 * event would be taken for a retry.
 */
export function fingerprint(projectId: string, uuid: string): [number, number] {
  // cyrb53's two independent 32-bit lanes, over projectId \0 uuid.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const mix = (code: number) => {
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  };
  for (let i = 0; i < projectId.length; i++) mix(projectId.charCodeAt(i));
  mix(0);
  for (let i = 0; i < uuid.length; i++) mix(uuid.charCodeAt(i));
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}

const EMPTY_HI = 0;
const EMPTY_LO = 0;

/** Fingerprints in an open-addressing hash set (two Uint32Arrays: no object per entry). */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  private count = 0;
  /** (0, 0) marks an empty slot, so the one fingerprint equal to it is tracked apart. */
  private hasZero = false;

  constructor(initialCapacity = 1 << 16) {
    const capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count + (this.hasZero ? 1 : 0);
  }

  has(hi: number, lo: number): boolean {
    if (hi === EMPTY_HI && lo === EMPTY_LO) return this.hasZero;
    for (let slot = (lo ^ hi) & this.mask; ; slot = (slot + 1) & this.mask) {
      const h = this.hi[slot]!;
      const l = this.lo[slot]!;
      if (h === hi && l === lo) return true;
      if (h === EMPTY_HI && l === EMPTY_LO) return false;
    }
  }

  /** Adds every fingerprint of two parallel columns (as read back from fp_hi / fp_lo). */
  addStored(hi: ArrayLike<number>, lo: ArrayLike<number>): void {
    for (let i = 0; i < hi.length; i++) this.add(Number(hi[i]), Number(lo[i]));
  }

  /** Adds; returns false when it was already present. */
  add(hi: number, lo: number): boolean {
    if (hi === EMPTY_HI && lo === EMPTY_LO) {
      const added = !this.hasZero;
      this.hasZero = true;
      return added;
    }
    if ((this.count + 1) * 4 > this.hi.length * 3) this.grow();
    for (let slot = (lo ^ hi) & this.mask; ; slot = (slot + 1) & this.mask) {
      const h = this.hi[slot]!;
      const l = this.lo[slot]!;
      if (h === hi && l === lo) return false;
      if (h === EMPTY_HI && l === EMPTY_LO) {
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        this.count++;
        return true;
      }
    }
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    this.hi = new Uint32Array(oldHi.length * 2);
    this.lo = new Uint32Array(oldLo.length * 2);
    this.mask = this.hi.length - 1;
    this.count = 0;
    for (let i = 0; i < oldHi.length; i++) {
      const h = oldHi[i]!;
      const l = oldLo[i]!;
      if (h !== EMPTY_HI || l !== EMPTY_LO) this.add(h, l);
    }
  }
}

/** A group split into the rows to store and the duplicates to drop. */
export interface GroupSplit {
  /** Row i of the group is numbered firstSeq + i (duplicates leave gaps). */
  readonly firstSeq: number;
  readonly length: number;
  /** Indexes of the rows to store, in group order. */
  readonly fresh: readonly number[];
  /** Their fingerprints, parallel to `fresh` (the `fp_hi`, `fp_lo` columns). */
  readonly hi: readonly number[];
  readonly lo: readonly number[];
}

/**
 * The committed events' fingerprints and the next seq, for one writer that commits one group at
 * a time (so seq order is commit order). A row is checked against what is stored and against the
 * rest of its group (the first occurrence wins); its fingerprint is added only once its group
 * committed, so a failed commit leaves nothing behind that would hide a retry.
 */
export class EventDedupe {
  private readonly stored = new FingerprintSet();

  constructor(private nextSeq: number) {}

  /** Fingerprints of events stored before this writer started (read back from fp_hi / fp_lo). */
  addStored(hi: ArrayLike<number>, lo: ArrayLike<number>): void {
    this.stored.addStored(hi, lo);
  }

  /** Splits a group of rows, given by their project ids and uuids. */
  split(projectIds: ArrayLike<string>, uuids: ArrayLike<string>): GroupSplit {
    const n = projectIds.length;
    const fresh: number[] = [];
    const hi: number[] = [];
    const lo: number[] = [];
    const inGroup = new FingerprintSet(n * 2);
    for (let i = 0; i < n; i++) {
      const [h, l] = fingerprint(projectIds[i]!, uuids[i]!);
      if (this.stored.has(h, l) || !inGroup.add(h, l)) continue;
      fresh.push(i);
      hi.push(h);
      lo.push(l);
    }
    return { firstSeq: this.nextSeq, length: n, fresh, hi, lo };
  }

  /** The group's rows are durable: retries of them are duplicates from now on. */
  committed(split: GroupSplit): InsertResult {
    this.skip(split);
    const inserted = new Uint8Array(split.length);
    for (let k = 0; k < split.fresh.length; k++) {
      this.stored.add(split.hi[k]!, split.lo[k]!);
      inserted[split.fresh[k]!] = 1;
    }
    return { firstSeq: split.firstSeq, inserted };
  }

  /** Rows up to seq `nextSeq` - 1 were stored by someone who numbered them (the log's loader: seq = offset + 1). */
  advanceTo(nextSeq: number): void {
    this.nextSeq = Math.max(this.nextSeq, nextSeq);
  }

  /**
   * The group failed, but some of it may have been stored (ClickHouse: an insert may have reached a
   * shard): its seqs are never given again. A store whose failed commit rolled back (DuckDB) does
   * not call this, so the retry takes the same seqs and commits stay contiguous.
   */
  skip(split: GroupSplit): void {
    this.nextSeq = Math.max(this.nextSeq, split.firstSeq + split.length);
  }
}
