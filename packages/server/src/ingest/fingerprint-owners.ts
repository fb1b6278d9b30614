/**
 * Fingerprints (storage/event-dedupe.ts) each held by one owner: an open-addressing table with
 * linear probing over two Uint32Arrays and an array of owners. Capture keeps the fingerprints of
 * appends under way here (ingest-dedupe.ts) — one entry per event in flight, added and removed once
 * each — so an entry must cost no string key, no Map entry and no object: a `${hi}:${lo}` Map cost
 * more of the HTTP thread than the rest of the duplicate check together. Removal shifts the probe
 * run back instead of leaving tombstones, so a table that sees millions of entries come and go
 * stays as short to probe as the few it holds at once.
 */
export class FingerprintOwners<Owner extends object> {
  private hi: Uint32Array;
  private lo: Uint32Array;
  /** `undefined` marks an empty slot (every fingerprint, (0, 0) too, is a valid key). */
  private owners: Array<Owner | undefined>;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1024) {
    const capacity = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.owners = new Array<Owner | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Who holds (hi, lo), if anyone. */
  get(hi: number, lo: number): Owner | undefined {
    for (let slot = (lo ^ hi) & this.mask; ; slot = (slot + 1) & this.mask) {
      const owner = this.owners[slot];
      if (owner === undefined) return undefined;
      if (this.hi[slot] === hi && this.lo[slot] === lo) return owner;
    }
  }

  /**
   * Gives (hi, lo) to `owner` unless someone (`owner` too) holds it already: returns that holder,
   * or undefined when `owner` took it. One probe for both.
   */
  hold(hi: number, lo: number, owner: Owner): Owner | undefined {
    if ((this.count + 1) * 2 > this.owners.length) this.grow();
    for (let slot = (lo ^ hi) & this.mask; ; slot = (slot + 1) & this.mask) {
      const holder = this.owners[slot];
      if (holder === undefined) {
        this.hi[slot] = hi;
        this.lo[slot] = lo;
        this.owners[slot] = owner;
        this.count++;
        return undefined;
      }
      if (this.hi[slot] === hi && this.lo[slot] === lo) return holder;
    }
  }

  /** Drops (hi, lo) if `owner` holds it (another owner's entry is left alone). */
  release(hi: number, lo: number, owner: Owner): void {
    const mask = this.mask;
    let slot = (lo ^ hi) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const holder = this.owners[slot];
      if (holder === undefined) return;
      if (this.hi[slot] === hi && this.lo[slot] === lo) {
        if (holder !== owner) return;
        break;
      }
    }
    this.count--;
    // Backward shift: move up each later entry of the run whose home slot does not lie between
    // the hole and itself, so every entry stays reachable from its home without tombstones.
    let hole = slot;
    for (let next = (hole + 1) & mask; this.owners[next] !== undefined; next = (next + 1) & mask) {
      const home = (this.lo[next]! ^ this.hi[next]!) & mask;
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (stays) continue;
      this.hi[hole] = this.hi[next]!;
      this.lo[hole] = this.lo[next]!;
      this.owners[hole] = this.owners[next];
      hole = next;
    }
    this.owners[hole] = undefined;
  }

  private grow(): void {
    const { hi, lo, owners } = this;
    const capacity = owners.length * 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.owners = new Array<Owner | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
    this.count = 0;
    for (let i = 0; i < owners.length; i++) {
      const owner = owners[i];
      if (owner !== undefined) this.hold(hi[i]!, lo[i]!, owner);
    }
  }
}
