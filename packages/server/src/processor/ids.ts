import { createHash } from 'node:crypto';

/**
 * Ids derived from what produced a record, so processing the same events again (a replay) gives
 * the same ids and never a second copy.
 */
export function stableId(prefix: string, ...parts: Array<string | number>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${String(part).length}:${part}|`);
  return `${prefix}_${hash.digest('hex').slice(0, 24)}`;
}

/** FNV-1a: a fast, stable 32-bit hash for bucketing (hold-out groups). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
