import { createHash } from 'node:crypto';

/**
 * A UUID derived from an event's JSON, for clients that send none: a byte-identical retry
 * gets the same id and is dropped as a duplicate. Shaped as a version-8 (custom) UUID.
 */
export function derivedUuid(event: unknown): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(event) ?? '')
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x80;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
