import { QUERY_NAMES, SHARE_KEY_PREFIX } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { eventsRoute } from '../../src/http/routes/events.js';
import { posthogRoutes } from '../../src/http/routes/posthog.js';
import { posthogConfigRoutes } from '../../src/http/routes/posthog-config.js';
import { queryRoute } from '../../src/http/routes/query.js';
import { segmentRoutes } from '../../src/http/routes/segment.js';
import { signInRoutes } from '../../src/http/routes/sign-in.js';
import { ROUTES } from '../../src/http/server.js';
import { createProject, type ProjectKeys } from '../../src/projects/default-project.js';
import { DEFAULT_SHARE_KEY_LIMITS, ShareKeys } from '../../src/projects/share-keys.js';
import { eventBatch, postEvents, startTestApp } from '../support/app.js';
import { capturedLogs, LiveSocket, ownOrigin, signIn, withCookie } from './dashboard-access-support.js';

/** Routes a share key may call: capture (the public key's), queries (reads), signing in and out. */
const NOT_OWNER_ONLY = new Set([
  eventsRoute,
  queryRoute,
  ...posthogRoutes,
  ...posthogConfigRoutes,
  ...segmentRoutes,
  ...signInRoutes.filter((r) => r.path !== '/v1/sign-out-everywhere'),
]);
/** Every route that changes something, as the route table has them (new ones are covered by themselves). */
const WRITES = ROUTES.filter((r) => r.method !== 'GET' && !NOT_OWNER_ONLY.has(r));
/** Reads only the owner may make: the webhook URL often holds a token; the list of share keys. */
const OWNER_READS = ['/v1/webhook', '/v1/share-keys'];

const pathOf = (pattern: string) => pattern.replace(/:[a-z]+/g, 'x');

describe('read-only share keys', () => {
  let app: RunningSightline;
  let other: ProjectKeys;
  const secrets: string[] = [];
  let logs = '';

  const owner = (method: string, path: string, body?: unknown) =>
    fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const bearer = (key: string, method: string, path: string, body?: unknown) =>
    fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const createKey = async (label: string, as = app.keys.secretKey) => {
    const res = await bearer(as, 'POST', '/v1/share-keys', { label });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; key: string; label: string };
    secrets.push(created.key);
    return created;
  };
  const logged = (run: () => Promise<void>) => async () => {
    const canary = `canary-${Math.random()}`;
    logs += await capturedLogs(async () => {
      console.error(canary);
      await run();
    });
    expect(logs).toContain(canary);
  };

  beforeAll(async () => {
    app = await startTestApp();
    other = await createProject(app.engine, 'other', 'Other');
    await app.projects.reload();
    secrets.push(app.keys.secretKey, other.secretKey);
    const batch = (project: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        uuid: `${project}-${i}`,
        event: 'page_view',
        distinct_id: `${project}-user`,
        session_id: `${project}-session`,
        timestamp: Date.now() - 60_000,
      }));
    expect((await postEvents(app, eventBatch(app.keys.publicKey, batch('default', 4)))).status).toBe(200);
    expect((await postEvents(app, eventBatch(other.publicKey, batch('other', 2)))).status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  it(
    'creates a key shown once; the list has labels and dates, never a key or its hash',
    logged(async () => {
      const created = await createKey('Support team');
      expect(created.key.startsWith(SHARE_KEY_PREFIX)).toBe(true);
      expect(created).toMatchObject({ label: 'Support team', revoked_at: null });
      const listed = await owner('GET', '/v1/share-keys');
      const text = await listed.text();
      expect(listed.status).toBe(200);
      expect(JSON.parse(text).share_keys).toContainEqual({
        id: created.id,
        label: 'Support team',
        created_at: expect.any(Number),
        revoked_at: null,
      });
      expect(text).not.toContain(created.key);
      expect(text).not.toContain('hash');
      const tooLong = await owner('POST', '/v1/share-keys', { label: 'x'.repeat(101) });
      expect(tooLong.status).toBe(400);
    }),
  );

  it(
    'reads every query, export, settings and live queries',
    logged(async () => {
      const { key } = await createKey('reader');
      for (const name of QUERY_NAMES) {
        const res = await bearer(key, 'POST', `/v1/query/${name}`, {});
        // Accepted (a 400 is about arguments {} lacks, not about the key).
        expect([name, res.status === 401 || res.status === 403]).toEqual([name, false]);
      }
      const overview = await bearer(key, 'POST', '/v1/query/overview', { time_range: '1h' });
      expect(await overview.json()).toMatchObject({ total_events: 4 });
      const exported = await bearer(key, 'GET', '/v1/export');
      expect((await exported.text()).trim().split('\n')).toHaveLength(4);
      expect((await bearer(key, 'GET', '/v1/settings')).status).toBe(200);
      expect((await bearer(key, 'GET', '/v1/intervention-rules')).status).toBe(200);
      expect(await (await bearer(key, 'GET', '/v1/session')).json()).toMatchObject({
        project_id: 'default',
        read_only: true,
      });

      const live = new LiveSocket(app, {});
      await live.send({ type: 'auth', key });
      await live.send({ type: 'subscribe', id: 'o', query: 'overview', args: { time_range: '1h' } });
      expect((await live.waitFor((m) => m.type === 'result')).value).toMatchObject({ total_events: 4 });
      live.close();
    }),
  );

  it(
    `answers 403 read_only_key with a JSON body on every write (${WRITES.length} routes) and owner-only read`,
    logged(async () => {
      expect(WRITES.map((r) => `${r.method} ${r.path}`)).toEqual(
        expect.arrayContaining([
          'PUT /v1/settings',
          'PUT /v1/intervention-rules',
          'PUT /v1/webhook',
          'POST /v1/insights/:id/status',
          'POST /v1/share-keys',
          'DELETE /v1/share-keys/:id',
          'POST /v1/sign-out-everywhere',
        ]),
      );
      const { key } = await createKey('writer?');
      const session = await signIn(app, key);
      expect(session.body).toMatchObject({ read_only: true });
      secrets.push(session.cookie);
      const attempts = [
        ...WRITES.map((r) => [r.method, pathOf(r.path)] as const),
        ...OWNER_READS.map((p) => ['GET', p] as const),
      ];
      for (const [method, path] of attempts) {
        const body = method === 'GET' ? undefined : {};
        const viaKey = await bearer(key, method, path, body);
        expect([method, path, viaKey.status, await viaKey.json()]).toEqual([
          method,
          path,
          403,
          { error: 'read_only_key', message: expect.any(String) },
        ]);
        const viaSession = await withCookie(app, session.cookie, method, path, body);
        expect([method, path, viaSession.status, JSON.parse(viaSession.text).error]).toEqual([
          method,
          path,
          403,
          'read_only_key',
        ]);
      }
      // Nothing changed.
      expect(await (await owner('GET', '/v1/webhook')).json()).toEqual({ url: null });
    }),
  );

  it(
    'a revoked key answers 401 at once: requests, sessions opened with it, open live connections',
    logged(async () => {
      const { id, key } = await createKey('to revoke');
      const session = await signIn(app, key);
      secrets.push(session.cookie);
      const liveByKey = new LiveSocket(app, {});
      await liveByKey.send({ type: 'auth', key });
      await liveByKey.waitFor((m) => m.type === 'ready');
      const liveBySession = new LiveSocket(app, { cookie: session.cookie, origin: ownOrigin(app) });
      await liveBySession.send({ type: 'auth' });
      await liveBySession.waitFor((m) => m.type === 'ready');

      expect(await (await owner('DELETE', `/v1/share-keys/${id}`)).json()).toEqual({ id, revoked: true });
      const after = await bearer(key, 'POST', '/v1/query/overview', {});
      expect([after.status, (await after.json()).error]).toEqual([401, 'invalid_secret_key']);
      expect((await bearer(key, 'GET', '/v1/export')).status).toBe(401);
      expect((await withCookie(app, session.cookie, 'GET', '/v1/session')).status).toBe(401);
      expect((await liveByKey.closed).code).toBe(4401);
      expect((await liveBySession.closed).code).toBe(4401);
      expect((await signIn(app, key)).status).toBe(401);
      const listed = (await (await owner('GET', '/v1/share-keys')).json()) as {
        share_keys: Array<{ id: string; revoked_at: number | null }>;
      };
      expect(listed.share_keys.find((k) => k.id === id)?.revoked_at).toEqual(expect.any(Number));
    }),
  );

  it(
    "project A's share key never reads project B, and B cannot revoke A's keys",
    logged(async () => {
      const a = await createKey('A only');
      const b = await createKey('B only', other.secretKey);
      const exportA = (await (await bearer(a.key, 'GET', '/v1/export')).text()).trim().split('\n');
      expect(exportA.map((l) => JSON.parse(l).session_id)).toEqual(Array(4).fill('default-session'));
      const exportB = (await (await bearer(b.key, 'GET', '/v1/export')).text()).trim().split('\n');
      expect(exportB.map((l) => JSON.parse(l).session_id)).toEqual(Array(2).fill('other-session'));
      const live = new LiveSocket(app, {});
      await live.send({ type: 'auth', key: b.key });
      await live.send({ type: 'subscribe', id: 'o', query: 'overview', args: { time_range: '1h' } });
      expect((await live.waitFor((m) => m.type === 'result')).value).toMatchObject({ total_events: 2 });
      live.close();

      const foreignRevoke = await bearer(other.secretKey, 'DELETE', `/v1/share-keys/${a.id}`);
      expect(foreignRevoke.status).toBe(404);
      const listedByB = await (await bearer(other.secretKey, 'GET', '/v1/share-keys')).json();
      expect((listedByB as { share_keys: Array<{ id: string }> }).share_keys.map((k) => k.id)).toEqual([
        b.id,
      ]);
      expect((await bearer(a.key, 'GET', '/v1/export')).status).toBe(200);
    }),
  );

  it(
    'a key made or revoked on another node is seen here: new ones at once, revocations within refreshMs',
    logged(async () => {
      let now = Date.now();
      const limits = { ...DEFAULT_SHARE_KEY_LIMITS, refreshMs: 10_000, missReloadMs: 1_000 };
      const nodeA = new ShareKeys(app.engine, limits, () => now);
      const nodeB = new ShareKeys(app.engine, limits, () => now);
      expect(await nodeB.find(`${SHARE_KEY_PREFIX}unknown`)).toBeNull();
      now += limits.missReloadMs;
      const created = await nodeA.create('default', 'made on A');
      secrets.push(created.key);
      expect(await nodeB.find(created.key)).toMatchObject({ id: created.id, project_id: 'default' });
      expect(await nodeA.revoke('default', created.id)).toBe(true);
      expect(await nodeA.find(created.key)).toBeNull();
      expect(await nodeB.find(created.key)).not.toBeNull();
      now += limits.refreshMs;
      expect(await nodeB.find(created.key)).toBeNull();
    }),
  );

  it(
    'caps the active keys of a project (429), counting revoked ones out',
    logged(async () => {
      const limits = { ...DEFAULT_SHARE_KEY_LIMITS, maxActivePerProject: 2 };
      const keys = new ShareKeys(app.engine, limits);
      await createProject(app.engine, 'capped', 'Capped');
      const first = await keys.create('capped', '1');
      secrets.push(first.key, (await keys.create('capped', '2')).key);
      await expect(keys.create('capped', '3')).rejects.toMatchObject({ code: 'rate_limited' });
      await keys.revoke('capped', first.id);
      secrets.push((await keys.create('capped', '3')).key);
    }),
  );

  it('sends Referrer-Policy: no-referrer on API and dashboard answers, so keys in URLs never leak', async () => {
    for (const path of ['/', '/v1/session', '/v1/share-keys', '/healthz']) {
      const res = await fetch(`${app.url}${path}`);
      expect([path, res.headers.get('referrer-policy')]).toEqual([path, 'no-referrer']);
    }
  });
});
