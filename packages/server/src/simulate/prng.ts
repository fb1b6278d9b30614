/**
 * A seeded random source (mulberry32): the same seed gives the same sessions, so a test or a
 * benchmark can replay exactly the traffic it measured.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: `[[value, weight], …]`. */
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T;
  /** Hex digits, for ids. */
  hex(length: number): string;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (items) => {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let roll = next() * total;
      for (const [value, weight] of items) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return items[items.length - 1]![0];
    },
    hex: (length) => {
      let out = '';
      while (out.length < length) out += int(0, 0xffff).toString(16).padStart(4, '0');
      return out.slice(0, length);
    },
  };
}

/**
 * A UUIDv7 as the SDK makes them: the event time in the first 48 bits, random bits from `rng`.
 * The time part means a re-run with the same seed never collides with the stored events of an
 * earlier run (the server drops events whose uuid it has seen).
 */
export function uuidv7(rng: Rng, timestampMs: number): string {
  const time = Math.floor(timestampMs).toString(16).padStart(12, '0').slice(-12);
  const variant = (8 + rng.int(0, 3)).toString(16);
  const rand = rng.hex(19);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${rand.slice(0, 3)}-${variant}${rand.slice(3, 6)}-${rand.slice(6, 18)}`;
}
