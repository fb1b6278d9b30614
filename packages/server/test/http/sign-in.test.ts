import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { KEYS_FILE } from '../../src/projects/default-project.js';
import { SignInSessions } from '../../src/projects/sign-in-sessions.js';
import { eventBatch, postEvents, startTestApp } from '../support/app.js';
import {
  capturedLogs,
  DASHBOARD_HEADERS,
  LiveSocket,
  ownOrigin,
  signIn,
  withCookie,
} from './dashboard-access-support.js';

const THIRTY_DAYS_S = 30 * 86_400;

describe('dashboard sign-in by cookie', () => {
  let app: RunningSightline;
  /** Every key and cookie value the tests used: none may reach the logs. */
  const secrets: string[] = [];
  let logs = '';

  beforeAll(async () => {
    app = await startTestApp();
    secrets.push(app.keys.secretKey);
    const events = [1, 2, 3].map((i) => ({
      uuid: `sign-in-${i}`,
      event: 'page_view',
      distinct_id: 'u1',
      session_id: 's1',
      timestamp: Date.now() - 60_000,
    }));
    expect((await postEvents(app, eventBatch(app.keys.publicKey, events))).status).toBe(200);
  });
  afterAll(async () => {
    await app.close();
    // Every test's requests ran inside capturedLogs (see `logged`).
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  /** Runs a test's requests with the server's console output captured. */
  const logged = (run: () => Promise<void>) => async () => {
    const canary = `canary-${Math.random()}`;
    logs += await capturedLogs(async () => {
      console.error(canary); // proves the capture sees what the server prints
      await run();
    });
    expect(logs).toContain(canary);
  };

  it(
    'sets an HttpOnly, SameSite=Strict cookie for 30 days (Secure and __Host- over https)',
    logged(async () => {
      const plain = await signIn(app, app.keys.secretKey);
      expect(plain.status).toBe(200);
      expect(plain.body).toMatchObject({ project_id: 'default', read_only: false });
      expect(plain.setCookie).toMatchObject({
        name: 'sightline_session',
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        maxAge: THIRTY_DAYS_S,
      });
      expect(plain.setCookie?.secure).toBeFalsy();
      expect(plain.setCookie?.value).toMatch(/^s1\.[A-Za-z0-9_-]{43}$/);
      secrets.push(plain.setCookie!.value!);

      const https = await signIn(app, app.keys.secretKey, { 'x-forwarded-proto': 'https' });
      expect(https.setCookie).toMatchObject({
        name: '__Host-sightline_session',
        secure: true,
        httpOnly: true,
      });
      secrets.push(https.setCookie!.value!);
      // Over https a plain-named cookie (which any subdomain could have planted) does not count.
      const planted = await fetch(`${app.url}/v1/session`, {
        headers: { cookie: plain.cookie, 'x-forwarded-proto': 'https' },
      });
      expect(planted.status).toBe(401);
      const real = await fetch(`${app.url}/v1/session`, {
        headers: { cookie: https.cookie, 'x-forwarded-proto': 'https' },
      });
      expect(real.status).toBe(200);
    }),
  );

  it(
    'refuses a sign-in without the dashboard header, a wrong key and a public key',
    logged(async () => {
      const noHeader = await fetch(`${app.url}/v1/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: app.keys.secretKey }),
      });
      expect(noHeader.status).toBe(403);
      expect(await noHeader.json()).toMatchObject({ error: 'cross_site_request' });
      expect(noHeader.headers.getSetCookie()).toEqual([]);

      const wrong = await signIn(app, 'sl_sec_not-a-key');
      expect([wrong.status, wrong.body['error'], wrong.setCookie]).toEqual([
        401,
        'invalid_secret_key',
        undefined,
      ]);
      const pub = await signIn(app, app.keys.publicKey);
      expect([pub.status, pub.body['error']]).toEqual([401, 'invalid_secret_key']);
      expect(JSON.stringify(pub.body)).not.toContain(app.keys.publicKey);
    }),
  );

  it(
    'the cookie reads queries, export and live queries, and writes settings',
    logged(async () => {
      const { cookie } = await signIn(app, app.keys.secretKey);
      secrets.push(cookie);
      const session = await withCookie(app, cookie, 'GET', '/v1/session');
      expect(JSON.parse(session.text)).toMatchObject({ project_id: 'default', read_only: false });
      expect(JSON.parse(session.text).expires_at).toBeGreaterThan(Date.now() + (THIRTY_DAYS_S - 60) * 1000);

      const overview = await withCookie(app, cookie, 'POST', '/v1/query/overview', { time_range: '1h' });
      expect(overview.status).toBe(200);
      expect(JSON.parse(overview.text)).toMatchObject({ total_events: 3 });

      const exported = await withCookie(app, cookie, 'GET', '/v1/export');
      expect(exported.status).toBe(200);
      expect(exported.text.trim().split('\n')).toHaveLength(3);

      const settings = await withCookie(app, cookie, 'PUT', '/v1/settings', { key_journey: 'checkout' });
      expect([settings.status, JSON.parse(settings.text).key_journey]).toEqual([200, 'checkout']);

      const live = new LiveSocket(app, { cookie, origin: ownOrigin(app) });
      await live.send({ type: 'auth' });
      await live.waitFor((m) => m.type === 'ready');
      await live.send({ type: 'subscribe', id: 'o', query: 'overview', args: { time_range: '1h' } });
      const result = await live.waitFor((m) => m.type === 'result');
      expect(result.value).toMatchObject({ total_events: 3 });
      live.close();
    }),
  );

  it(
    'refuses cookie requests another site could make: no dashboard header, or a live socket from another origin',
    logged(async () => {
      const { cookie } = await signIn(app, app.keys.secretKey);
      secrets.push(cookie);
      for (const [method, path, body] of [
        ['PUT', '/v1/settings', { key_journey: 'evil' }],
        ['POST', '/v1/query/overview', {}],
        ['POST', '/v1/sign-out-everywhere', undefined],
        ['POST', '/v1/sign-out', undefined],
      ] as const) {
        const answer = await withCookie(app, cookie, method, path, body, false);
        expect([path, answer.status, JSON.parse(answer.text).error]).toEqual([
          path,
          403,
          'cross_site_request',
        ]);
      }
      // Nothing changed, and the session still works.
      const settings = await withCookie(app, cookie, 'GET', '/v1/settings', undefined, false);
      expect(JSON.parse(settings.text).key_journey).not.toBe('evil');

      const foreign = new LiveSocket(app, { cookie, origin: 'http://127.0.0.1:1' });
      await foreign.send({ type: 'auth' });
      expect((await foreign.closed).code).toBe(4401);
      expect(foreign.messages[0]).toMatchObject({ type: 'error', error: 'cross_site_request' });

      const noCookie = new LiveSocket(app, { origin: ownOrigin(app) });
      await noCookie.send({ type: 'auth' });
      expect((await noCookie.closed).code).toBe(4401);
      expect(noCookie.messages[0]).toMatchObject({ type: 'error', error: 'missing_secret_key' });
    }),
  );

  it(
    'sign-out ends this browser only: its requests and its open live connection',
    logged(async () => {
      const mine = await signIn(app, app.keys.secretKey);
      const other = await signIn(app, app.keys.secretKey);
      secrets.push(mine.cookie, other.cookie);
      const live = new LiveSocket(app, { cookie: mine.cookie, origin: ownOrigin(app) });
      await live.send({ type: 'auth' });
      await live.waitFor((m) => m.type === 'ready');

      const out = await fetch(`${app.url}/v1/sign-out`, {
        method: 'POST',
        headers: { cookie: mine.cookie, ...DASHBOARD_HEADERS },
      });
      expect(out.status).toBe(200);
      expect(out.headers.getSetCookie()[0]).toMatch(
        /^sightline_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict/,
      );
      expect((await live.closed).code).toBe(4401);
      const after = await withCookie(app, mine.cookie, 'GET', '/v1/session');
      expect([after.status, JSON.parse(after.text).error]).toEqual([401, 'invalid_secret_key']);
      expect((await withCookie(app, mine.cookie, 'GET', '/v1/export')).status).toBe(401);
      expect((await withCookie(app, other.cookie, 'GET', '/v1/session')).status).toBe(200);
    }),
  );

  it(
    'sign-out-everywhere ends every session of the project; a new sign-in works',
    logged(async () => {
      const sessions = await Promise.all([1, 2, 3].map(() => signIn(app, app.keys.secretKey)));
      secrets.push(...sessions.map((s) => s.cookie));
      const live = new LiveSocket(app, { cookie: sessions[2]!.cookie, origin: ownOrigin(app) });
      await live.send({ type: 'auth' });
      await live.waitFor((m) => m.type === 'ready');

      const everywhere = await withCookie(app, sessions[0]!.cookie, 'POST', '/v1/sign-out-everywhere');
      expect(everywhere.status).toBe(200);
      expect(JSON.parse(everywhere.text).signed_out_sessions).toBeGreaterThanOrEqual(3);
      for (const s of sessions)
        expect((await withCookie(app, s.cookie, 'GET', '/v1/session')).status).toBe(401);
      expect((await live.closed).code).toBe(4401);

      const again = await signIn(app, app.keys.secretKey);
      secrets.push(again.cookie);
      expect((await withCookie(app, again.cookie, 'GET', '/v1/session')).status).toBe(200);
      // The secret key itself is not a session: it still works.
      const bearer = await fetch(`${app.url}/v1/session`, {
        headers: { authorization: `Bearer ${app.keys.secretKey}` },
      });
      expect(bearer.status).toBe(200);
    }),
  );

  it(
    'expiry, and a sign-out made on another node, apply within the recheck time',
    logged(async () => {
      let now = Date.now();
      const options = { lifetimeMs: 60_000, recheckMs: 5_000, maxCached: 100, signInsPerMinute: 30 };
      // Two nodes over one store: each holds its own cache.
      const nodeA = new SignInSessions(app.engine, options, () => now);
      const nodeB = new SignInSessions(app.engine, options, () => now);
      const { cookie } = await nodeA.create('default', null);
      secrets.push(cookie);
      expect(await nodeB.resolve(cookie)).toMatchObject({ projectId: 'default', shareKeyId: null });
      await nodeA.signOut(cookie);
      expect(await nodeA.resolve(cookie)).toBeNull(); // at once on the node that signed out
      expect(await nodeB.resolve(cookie)).not.toBeNull(); // B's copy is still fresh…
      now += options.recheckMs;
      expect(await nodeB.resolve(cookie)).toBeNull(); // …until it is read again

      const later = await nodeA.create('default', null);
      secrets.push(later.cookie);
      now += options.lifetimeMs - 1;
      expect(await nodeA.resolve(later.cookie)).not.toBeNull();
      now += 1;
      expect(await nodeA.resolve(later.cookie)).toBeNull();
    }),
  );

  it(
    'limits sign-ins per key and minute (429 rate_limited)',
    logged(async () => {
      let now = Date.now();
      const options = { lifetimeMs: 60_000, recheckMs: 5_000, maxCached: 100, signInsPerMinute: 3 };
      const sessions = new SignInSessions(app.engine, options, () => now);
      for (let i = 0; i < 3; i++) secrets.push((await sessions.create('default', null)).cookie);
      await expect(sessions.create('default', null)).rejects.toMatchObject({ code: 'rate_limited' });
      // Another key's sign-ins are counted apart.
      secrets.push((await sessions.create('default', 'shk_AAAAAAAAAAAA')).cookie);
      now += 60_000;
      secrets.push((await sessions.create('default', null)).cookie);
    }),
  );

  it(
    'a tampered cookie opens nothing (the read-only part of a cookie cannot be removed)',
    logged(async () => {
      const sessions = new SignInSessions(app.engine);
      const { cookie } = await sessions.create('default', 'shk_AAAAAAAAAAAA');
      secrets.push(cookie);
      expect(cookie).toMatch(/^r1\.shk_AAAAAAAAAAAA\./);
      const full = `s1.${cookie.split('.')[2]}`;
      expect(await sessions.resolve(full)).toBeNull();
      expect((await withCookie(app, `sightline_session=${full}`, 'GET', '/v1/session')).status).toBe(401);
      expect((await withCookie(app, 'sightline_session=garbage', 'GET', '/v1/session')).status).toBe(401);
    }),
  );

  it(
    'a rotated secret key ends the sign-ins made with the old one',
    logged(async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'sightline-rotate-'));
      const first = await startTestApp(dataDir);
      const { cookie } = await signIn(first, first.keys.secretKey);
      secrets.push(first.keys.secretKey, cookie);
      await first.close();
      const keysFile = join(dataDir, KEYS_FILE);
      const keys = JSON.parse(readFileSync(keysFile, 'utf8')) as { secretKey: string };
      writeFileSync(keysFile, JSON.stringify({ ...keys, secretKey: `${keys.secretKey}-rotated` }));
      const second = await startTestApp(dataDir);
      try {
        expect((await withCookie(second, cookie, 'GET', '/v1/session')).status).toBe(401);
        expect((await signIn(second, first.keys.secretKey)).status).toBe(401);
      } finally {
        await second.close();
      }
    }),
  );
});
