/**
 * Counting holders against caps: connections per client, SSE streams per client and project,
 * exports per project. A holder takes one slot under several keys at once (its client, its project,
 * the total) or none of them.
 */

/** Holders per key against one cap (a single key such as '' makes it a total). */
export class KeyedSlots {
  private readonly held = new Map<string, number>();

  constructor(readonly limit: number) {}

  count(key: string): number {
    return this.held.get(key) ?? 0;
  }

  isFull(key: string): boolean {
    return this.count(key) >= this.limit;
  }

  take(key: string): void {
    this.held.set(key, this.count(key) + 1);
  }

  give(key: string): void {
    const left = this.count(key) - 1;
    // Keys leave the map at zero, so one-off clients (an IP seen once) cost nothing afterwards.
    if (left <= 0) this.held.delete(key);
    else this.held.set(key, left);
  }
}

/** One slot to take: in `slots`, under `key`; `name` says which cap it is when it is full. */
export interface SlotClaim<Name extends string> {
  name: Name;
  slots: KeyedSlots;
  key: string;
}

export type TakeResult<Name extends string> = { release: () => void } | { full: SlotClaim<Name> };

/**
 * Takes a slot in every claim, or in none when one of them is full (that one is returned).
 * `release` gives them all back; calling it again does nothing, so every exit path may call it.
 */
export function takeAll<Name extends string>(claims: readonly SlotClaim<Name>[]): TakeResult<Name> {
  const full = claims.find((c) => c.slots.isFull(c.key));
  if (full) return { full };
  for (const c of claims) c.slots.take(c.key);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      for (const c of claims) c.slots.give(c.key);
    },
  };
}
