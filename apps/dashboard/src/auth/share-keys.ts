import type { CreatedShareKey, ShareKeyInfo } from '@sightline/schema/query-results';
import { dashboardFetch, jsonOrThrow } from './dashboard-fetch';

/** The project's share keys (revoked ones included), oldest first; never the keys themselves. */
export async function listShareKeys(): Promise<ShareKeyInfo[]> {
  const body = await jsonOrThrow<{ share_keys: ShareKeyInfo[] }>(await dashboardFetch('/v1/share-keys'));
  return body.share_keys;
}

/** A new read-only key: the answer is the only time the key is ever shown. */
export async function createShareKey(label: string): Promise<CreatedShareKey> {
  return jsonOrThrow<CreatedShareKey>(
    await dashboardFetch('/v1/share-keys', { method: 'POST', body: JSON.stringify({ label }) }),
  );
}

/** Revokes a key at once: every dashboard open with it is signed out. */
export async function revokeShareKey(id: string): Promise<void> {
  await jsonOrThrow(await dashboardFetch(`/v1/share-keys/${encodeURIComponent(id)}`, { method: 'DELETE' }));
}
