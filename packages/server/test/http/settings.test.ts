import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FUNNEL_STEPS, DEMO_KEY_SETTINGS } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { createProject, type ProjectKeys } from '../../src/projects/default-project.js';
import { eventBatch, postEvents, startTestApp } from '../support/app.js';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const SIGNUP = { key_funnel: { steps: ['signup_view', 'signup_done'], unit: 'session', window_ms: 600_000 } };

let uuid = 0;
/** One session doing `names` in order, a second apart, ten minutes ago. */
function session(sessionId: string, names: readonly string[]) {
  const t = Date.now() - 600_000;
  return names.map((event, i) => ({
    uuid: `settings-${++uuid}`,
    event,
    distinct_id: `u-${sessionId}`,
    session_id: sessionId,
    timestamp: t + i * 1_000,
    properties: {},
  }));
}

describe('GET / PUT /v1/settings: the key funnel and key journey', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-settings-'));
  let app: RunningSightline;
  let other: ProjectKeys;

  const call = async (
    method: string,
    path: string,
    secret: string | null,
    body?: unknown,
  ): Promise<Answer> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret) headers['authorization'] = `Bearer ${secret}`;
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const query = async (
    name: string,
    secret: string,
    args: Record<string, unknown> = { time_range: '1h' },
  ) => {
    const answer = await call('POST', `/v1/query/${name}`, secret, args);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    app = await startTestApp(dataDir);
    other = await createProject(app.engine, 'shop', 'Shop');
    await app.projects.reload();
    // The shop: 2 sessions view the signup page, 1 signs up.
    const shop = [...session('a', ['signup_view', 'signup_done']), ...session('b', ['signup_view'])];
    expect((await postEvents(app, eventBatch(other.publicKey, shop))).status).toBe(200);
    // The default project: the demo's funnel, finished by 1 session of 4.
    const demo = [
      ...session('d1', DEFAULT_FUNNEL_STEPS),
      ...session('d2', ['page_view', 'file_selected']),
      ...session('d3', ['page_view']),
      ...session('d4', ['page_view']),
    ];
    expect((await postEvents(app, eventBatch(app.keys.publicKey, demo))).status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
  });

  it('gives the default project the demo funnel and journey, and any other project none', async () => {
    expect(await call('GET', '/v1/settings', app.keys.secretKey)).toEqual({
      status: 200,
      body: DEMO_KEY_SETTINGS,
    });
    expect(await call('GET', '/v1/settings', other.secretKey)).toEqual({
      status: 200,
      body: { key_funnel: null, key_journey: null },
    });
  });

  it('takes only the secret key', async () => {
    for (const method of ['GET', 'PUT']) {
      const missing = await call(method, '/v1/settings', null, method === 'PUT' ? SIGNUP : undefined);
      expect([missing.status, missing.body['error']]).toEqual([401, 'missing_secret_key']);
      const pub = await call(method, '/v1/settings', other.publicKey, method === 'PUT' ? SIGNUP : undefined);
      expect([pub.status, pub.body['error']]).toEqual([401, 'invalid_secret_key']);
    }
    expect((await call('GET', '/v1/settings', other.secretKey)).body).toEqual({
      key_funnel: null,
      key_journey: null,
    });
  });

  it('refuses invalid settings with 400 invalid_arguments naming the field, changing nothing', async () => {
    const cases: Array<[unknown, string]> = [
      [{ key_funnel: { ...SIGNUP.key_funnel, steps: ['only_one'] } }, 'key_funnel.steps'],
      [
        { key_funnel: { ...SIGNUP.key_funnel, steps: Array.from({ length: 11 }, (_, i) => `s${i}`) } },
        'key_funnel.steps',
      ],
      [{ key_funnel: { ...SIGNUP.key_funnel, steps: ['a', 'x'.repeat(201)] } }, 'key_funnel.steps.1'],
      [{ key_funnel: { ...SIGNUP.key_funnel, steps: ['a', ''] } }, 'key_funnel.steps.1'],
      [{ key_funnel: { ...SIGNUP.key_funnel, unit: 'day' } }, 'key_funnel.unit'],
      [{ key_funnel: { ...SIGNUP.key_funnel, window_ms: -1 } }, 'key_funnel.window_ms'],
      [{ key_funnel: { ...SIGNUP.key_funnel, window_ms: 91 * 86_400_000 } }, 'key_funnel.window_ms'],
      [{ key_funnel: { steps: ['a', 'b'] } }, 'key_funnel.unit'],
      [{ key_journey: '' }, 'key_journey'],
      [{ key_journey: 'j'.repeat(201) }, 'key_journey'],
      [{ key_journey: 7 }, 'key_journey'],
      [{ funnel: SIGNUP.key_funnel }, 'funnel'],
      ['[1, 2]', 'expected object'],
    ];
    for (const [body, field] of cases) {
      const answer = await call('PUT', '/v1/settings', other.secretKey, body);
      expect([answer.status, answer.body['error']], JSON.stringify(body).slice(0, 80)).toEqual([
        400,
        'invalid_arguments',
      ]);
      expect(answer.body['message']).toContain(field);
    }
    expect((await call('GET', '/v1/settings', other.secretKey)).body).toEqual({
      key_funnel: null,
      key_journey: null,
    });
  });

  it("answers a project without a key funnel with the 'set your funnel' state, never 0 %", async () => {
    expect(await query('overview', other.secretKey)).toMatchObject({
      total_events: 3,
      unique_sessions: 2,
      conversion_rate: null,
      key_funnel: null,
    });
    expect(await query('drop_offs', other.secretKey)).toEqual({ drop_off_points: [], key_funnel: null });
    expect(await query('dashboard', other.secretKey)).toMatchObject({
      total_events: 3,
      conversion_rate: null,
      key_funnel: null,
      conversion_funnel: [],
      drop_off_points: [],
    });
    expect(await query('interventions', other.secretKey)).toEqual({ rules: [], key_journey: null });
    // Steps given explicitly still work without a key funnel.
    const explicit = await query('drop_offs', other.secretKey, {
      time_range: '1h',
      steps: ['signup_view', 'signup_done'],
    });
    expect((explicit['drop_off_points'] as Array<{ step: string }>).map((p) => p.step)).toEqual([
      'signup_done',
    ]);
  });

  it('changes only the fields a PUT gives, per project, and the queries follow the project funnel', async () => {
    const journey = await call('PUT', '/v1/settings', other.secretKey, { key_journey: 'checkout' });
    expect(journey).toEqual({ status: 200, body: { key_funnel: null, key_journey: 'checkout' } });
    const funnel = await call('PUT', '/v1/settings', other.secretKey, SIGNUP);
    expect(funnel).toEqual({ status: 200, body: { ...SIGNUP, key_journey: 'checkout' } });
    expect((await call('GET', '/v1/settings', other.secretKey)).body).toEqual({
      ...SIGNUP,
      key_journey: 'checkout',
    });
    // The other project is untouched.
    expect((await call('GET', '/v1/settings', app.keys.secretKey)).body).toEqual(DEMO_KEY_SETTINGS);

    expect(await query('overview', other.secretKey)).toMatchObject({
      conversion_rate: 0.5,
      key_funnel: SIGNUP.key_funnel,
    });
    const dropOffs = await query('drop_offs', other.secretKey);
    expect(dropOffs['key_funnel']).toEqual(SIGNUP.key_funnel);
    expect(dropOffs['drop_off_points']).toMatchObject([
      { step: 'signup_done', drop_off: 0.5, dropped_sessions: 1 },
    ]);
    const dashboard = await query('dashboard', other.secretKey);
    expect(dashboard).toMatchObject({ conversion_rate: 0.5, key_funnel: SIGNUP.key_funnel });
    expect(
      (dashboard['conversion_funnel'] as Array<{ step: string; sessions: number }>).map((s) => [
        s.step,
        s.sessions,
      ]),
    ).toEqual([
      ['signup_view', 2],
      ['signup_done', 1],
    ]);
    expect(await query('interventions', other.secretKey)).toMatchObject({ key_journey: 'checkout' });

    // Per user, with a window too short for anyone: the funnel's own unit and window are used.
    await call('PUT', '/v1/settings', other.secretKey, {
      key_funnel: { ...SIGNUP.key_funnel, unit: 'user', window_ms: 500 },
    });
    expect(await query('overview', other.secretKey)).toMatchObject({ conversion_rate: 0 });
    expect((await query('dashboard', other.secretKey))['conversion_funnel']).toMatchObject([
      { step: 'signup_view', sessions: 2 },
      { step: 'signup_done', sessions: 0 },
    ]);

    // null clears one field and keeps the other.
    const cleared = await call('PUT', '/v1/settings', other.secretKey, { key_funnel: null });
    expect(cleared.body).toEqual({ key_funnel: null, key_journey: 'checkout' });
    expect(await query('overview', other.secretKey)).toMatchObject({ conversion_rate: null });
    await call('PUT', '/v1/settings', other.secretKey, SIGNUP);
  });

  it('keeps the demo funnel for the default project, over its own events', async () => {
    expect(await query('overview', app.keys.secretKey)).toMatchObject({
      total_events: 5 + 2 + 1 + 1,
      conversion_rate: 0.25,
      key_funnel: DEMO_KEY_SETTINGS.key_funnel,
    });
    const dashboard = await query('dashboard', app.keys.secretKey);
    expect(dashboard['conversion_rate']).toBe(0.25);
    expect((dashboard['conversion_funnel'] as Array<{ step: string }>).map((s) => s.step)).toEqual([
      ...DEFAULT_FUNNEL_STEPS,
    ]);
  });

  it('keeps stored settings across a restart', async () => {
    await app.close();
    app = await startTestApp(dataDir);
    expect((await call('GET', '/v1/settings', other.secretKey)).body).toEqual({
      ...SIGNUP,
      key_journey: 'checkout',
    });
    expect((await call('GET', '/v1/settings', app.keys.secretKey)).body).toEqual(DEMO_KEY_SETTINGS);
    expect(await query('overview', other.secretKey)).toMatchObject({ conversion_rate: 0.5 });
  });
});
