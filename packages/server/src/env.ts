/**
 * Reading operator settings from `SIGHTLINE_*` variables: every `*-limits.ts` module (queries, live,
 * connections, SSE streams, exports), the storage recovery settings and the on/off switches use these.
 */

/** Words an on/off variable may hold (case-insensitive). */
const ON_WORDS = ['1', 'true', 'on', 'yes'];
const OFF_WORDS = ['0', 'false', 'off', 'no'];

/** An on/off switch from the environment; unset or empty → undefined; anything else throws. */
export function booleanFromEnv(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const text = env[name]?.trim().toLowerCase();
  if (text === undefined || text === '') return undefined;
  if (ON_WORDS.includes(text)) return true;
  if (OFF_WORDS.includes(text)) return false;
  throw new Error(`${name} must be 1 or 0 (true/false, on/off, yes/no), got "${env[name]}"`);
}

/** A positive integer from the environment; unset or empty → undefined; anything else throws. */
export function positiveIntegerFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got "${text}"`);
  return value;
}

/** Drops undefined values, so `{ ...defaults, ...overrides }` keeps the defaults (exactOptionalPropertyTypes). */
export function definedOnly<T extends object>(values: { [K in keyof T]: T[K] | undefined }): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
