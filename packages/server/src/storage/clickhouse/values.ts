import type { QueryRow } from '../engine.js';
import type { QueryResult } from './transport.js';

/** How booleans are stored: 18.16 has no Bool type, and an Enum reads back as a name we can map. */
export const BOOL_TYPE = "Enum8('false' = 0, 'true' = 1)";

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;

/** A value as the query layer expects it: numbers as numbers (64-bit ones arrive as text on some versions), booleans as booleans. */
function plain(value: unknown, type: string): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (type === BOOL_TYPE || type === `Nullable(${BOOL_TYPE})`) return value === 'true' || value === true;
  if (NUMERIC.test(type)) return typeof value === 'number' ? value : Number(value);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

export function toRows(result: QueryResult): QueryRow[] {
  return result.data.map((row) => {
    const out: QueryRow = {};
    for (const { name, type } of result.meta) out[name] = plain(row[name], type);
    return out;
  });
}

let lastVersion = 0;
/** Row versions for the ReplacingMergeTree tables: the newest write of a key wins (µs clock, never repeating in a process). */
export function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}
