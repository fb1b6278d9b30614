/**
 * The records the crash test's child appends, reproducible from (run, k) alone, so the parent can
 * check every record it reads back byte for byte without the child telling it the contents.
 */

/** Random text the fillers are cut from (fixed seed: the same in parent and child). */
const POOL = (() => {
  let state = 0x9e3779b9;
  const chars: string[] = [];
  for (let i = 0; i < 1 << 17; i++) {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    chars.push(String.fromCharCode(97 + (state % 26)));
  }
  return chars.join('');
})();

function hash(run: number, k: number): number {
  let h = Math.imul(run + 1, 0x85ebca6b) ^ Math.imul(k + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Mostly small records, every 40th a large one (a write of several pages that a kill can cut short). */
export function crashRecord(run: number, k: number): string {
  const h = hash(run, k);
  const length = k % 40 === 39 ? 60_000 + (h % 60_000) : h % 3_000;
  const at = h % (POOL.length - length);
  return `${run}:${k}:${POOL.slice(at, at + length)}`;
}

/** (run, k) of a record's text, or null when it is not one of these records. */
export function parseCrashRecord(text: string): { run: number; k: number } | null {
  const match = /^(\d+):(\d+):/.exec(text);
  return match ? { run: Number(match[1]), k: Number(match[2]) } : null;
}
