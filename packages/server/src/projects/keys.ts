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
