/**
 * Reading operator settings from `SIGHTLINE_*` variables: every `*-limits.ts` module (queries, live,
 * connections, SSE streams, exports) and the storage recovery settings use these two.
 */

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
