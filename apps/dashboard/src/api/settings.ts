import type { KeyFunnel, KeySettings } from '@sightline/schema/query-results';
import { dashboardFetch } from '../auth/dashboard-fetch';

export type { KeyFunnel, KeySettings };

async function answer(res: Response): Promise<KeySettings> {
  const body = (await res.json().catch(() => null)) as (KeySettings & { message?: string }) | null;
  if (!res.ok || !body) throw new Error(body?.message ?? `the server answered ${res.status}`);
  return { key_funnel: body.key_funnel, key_journey: body.key_journey };
}

/** `GET /v1/settings` (the sign-in cookie): the project's key funnel and key journey. */
export async function getSettings(): Promise<KeySettings> {
  return answer(await dashboardFetch('/v1/settings'));
}

/**
 * `PUT /v1/settings`: the fields given replace the stored ones (null clears one). Live queries that
 * read the settings (overview, drop-off points, interventions) re-run on their own.
 */
export async function putSettings(patch: Partial<KeySettings>): Promise<KeySettings> {
  return answer(await dashboardFetch('/v1/settings', { method: 'PUT', body: JSON.stringify(patch) }));
}
