import type { KeyFunnel, KeySettings } from '@sightline/schema/query-results';

export type { KeyFunnel, KeySettings };

async function answer(res: Response): Promise<KeySettings> {
  const body = (await res.json().catch(() => null)) as (KeySettings & { message?: string }) | null;
  if (!res.ok || !body) throw new Error(body?.message ?? `the server answered ${res.status}`);
  return { key_funnel: body.key_funnel, key_journey: body.key_journey };
}

/** `GET /v1/settings` with the secret key: the project's key funnel and key journey. */
export async function getSettings(key: string): Promise<KeySettings> {
  return answer(await fetch('/v1/settings', { headers: { authorization: `Bearer ${key}` } }));
}

/**
 * `PUT /v1/settings`: the fields given replace the stored ones (null clears one). Live queries that
 * read the settings (overview, drop-off points, interventions) re-run on their own.
 */
export async function putSettings(key: string, patch: Partial<KeySettings>): Promise<KeySettings> {
  return answer(
    await fetch('/v1/settings', {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    }),
  );
}
