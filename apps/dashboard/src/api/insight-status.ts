import type { InsightStatus } from './types';

/**
 * `POST /v1/insights/:id/status` with the secret key. The insights live query pushes the new
 * status by itself (a status change is a processor write), so the caller does not refetch.
 */
export async function setInsightStatus(key: string, id: string, status: InsightStatus): Promise<void> {
  const res = await fetch(`/v1/insights/${encodeURIComponent(id)}/status`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status }),
  });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { message?: string } | null;
    throw new Error(body?.message ?? `the server answered ${res.status}`);
  }
}
