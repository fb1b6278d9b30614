import { createHash, randomBytes } from 'node:crypto';

/** Public keys identify a project to capture clients; they are safe to embed in web pages. */
export const PUBLIC_KEY_PREFIX = 'sl_pub_';
/** Secret keys read data; they must never be logged or returned by an API. */
export const SECRET_KEY_PREFIX = 'sl_sec_';

export function generateKey(prefix: string): string {
  return prefix + randomBytes(24).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Characters of a key kept when it is shown masked: enough to tell keys apart, far too few to use one. */
const MASK_KEEP = 4;

/** A key as logs may show it: its prefix and last characters, e.g. `sl_sec_…Xy9Z`. */
export function maskKey(key: string): string {
  const prefix = [PUBLIC_KEY_PREFIX, SECRET_KEY_PREFIX].find((p) => key.startsWith(p)) ?? '';
  const rest = key.slice(prefix.length);
  return rest.length <= MASK_KEEP * 2 ? `${prefix}…` : `${prefix}…${rest.slice(-MASK_KEEP)}`;
}
