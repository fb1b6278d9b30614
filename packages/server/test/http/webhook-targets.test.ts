import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { DEFAULT_PROJECT_ID } from '../../src/projects/default-project.js';
import { type Receiver, startReceiver, until } from '../processor/webhooks-receiver.js';
import { eventBatch, postEvents, startTestApp } from '../support/app.js';

const ALLOW_PRIVATE = 'SIGHTLINE_WEBHOOK_ALLOW_PRIVATE';

/** Starts the app with or without the operator's flag (read from the environment, as in production). */
async function startApp(allowPrivate: boolean, dataDir?: string): Promise<RunningSightline> {
  if (allowPrivate) process.env[ALLOW_PRIVATE] = '1';
  else delete process.env[ALLOW_PRIVATE];
  return startTestApp(dataDir);
}

const putWebhook = async (app: RunningSightline, url: string | null) => {
  const res = await fetch(`${app.url}/v1/webhook`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const T0 = Date.now() - 60_000;
/** An error event: one `user_at_risk` insight for its session. */
const errorEvent = (sessionId: string, i: number) => ({
  uuid: `webhook-target-${sessionId}`,
  event: 'error',
  distinct_id: `d-${sessionId}`,
  session_id: sessionId,
  timestamp: T0 + i * 1000,
  properties: { message: 'boom' },
});

async function send(app: RunningSightline, sessions: string[]): Promise<void> {
  const batch = sessions.map((s, i) => errorEvent(s, i));
  expect((await postEvents(app, eventBatch(app.keys.publicKey, batch))).status).toBe(200);
  await app.processor.drain();
}

describe('webhook targets through the API', () => {
  const apps: RunningSightline[] = [];
  const receivers: Receiver[] = [];
  const start = async (allowPrivate: boolean, dataDir?: string) => {
    const app = await startApp(allowPrivate, dataDir);
    apps.push(app);
    return app;
  };
  const stop = async (app: RunningSightline) => {
    apps.splice(apps.indexOf(app), 1);
    await app.close();
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    for (const r of receivers.splice(0)) await r.close();
  });

  it('refuses non-public and non-http(s) targets with 400 invalid_arguments naming the problem', async () => {
    const app = await start(false);
    const refused: Array<[string, RegExp]> = [
      ['http://127.0.0.1:8080/hook', /127\.0\.0\.1 is a loopback address/],
      ['http://127.1/', /loopback/],
      ['http://2130706433/', /loopback/],
      ['http://[::1]:8080/', /::1 is a loopback/],
      ['http://[::ffff:127.0.0.1]/', /loopback/],
      ['http://localhost:8080/', /localhost is this machine/],
      ['http://hooks.localhost/', /is this machine/],
      ['http://169.254.169.254/latest/meta-data/', /link-local/],
      ['http://[fe80::1]/', /link-local/],
      ['http://10.0.0.1/', /private/],
      ['http://172.16.5.4/', /private/],
      ['http://192.168.0.1/', /private/],
      ['http://100.64.0.1/', /carrier-grade NAT/],
      ['http://[fc00::1]/', /unique local/],
      ['http://[fd00::1]/', /unique local/],
      ['http://0.0.0.0/', /unspecified/],
      ['http://[::]/', /unspecified/],
      ['http://224.0.0.1/', /multicast/],
      ['http://[ff02::1]/', /multicast/],
      ['http://user:secret@hooks.example.com/', /credentials/],
      ['ftp://hooks.example.com/', /http\(s\)/],
      ['file:///etc/passwd', /http\(s\)/],
    ];
    for (const [url, reason] of refused) {
      const res = await putWebhook(app, url);
      expect({ url, status: res.status, error: res.body['error'] }).toEqual({
        url,
        status: 400,
        error: 'invalid_arguments',
      });
      expect(res.body['message']).toMatch(/^url: /);
      expect(res.body['message']).toMatch(reason);
    }
    const get = await fetch(`${app.url}/v1/webhook`, {
      headers: { authorization: `Bearer ${app.keys.secretKey}` },
    });
    expect(await get.json()).toEqual({ url: null });
    // A public name is accepted (and removed at once: no event is sent while it is set).
    expect(await putWebhook(app, 'https://hooks.example.com/sightline')).toEqual({
      status: 200,
      body: { url: 'https://hooks.example.com/sightline' },
    });
    expect((await putWebhook(app, null)).status).toBe(200);
  });

  it('refuses at delivery a stored target whose name resolves to loopback (the receiver gets nothing)', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-webhook-'));
    const target = `http://localhost:${hook.port}/hook`;
    // Stored while the operator allowed private targets (or before these checks existed) …
    const before = await start(true, dataDir);
    expect((await putWebhook(before, target)).status).toBe(200);
    await stop(before);
    // … and delivered after a restart without the flag: the name resolves to 127.0.0.1, refused.
    const app = await start(false, dataDir);
    await send(app, ['dns-loopback']);
    await until(() => app.webhooks.countersFor(DEFAULT_PROJECT_ID).dropped === 1, 10_000, 'the drop');
    expect(app.webhooks.countersFor(DEFAULT_PROJECT_ID)).toEqual({
      delivered: 0,
      failed: 1,
      dropped: 1,
      lastFailure: expect.stringMatching(/^localhost resolves to 127\.0\.0\.1 is a loopback address/),
    });
    expect(hook.received).toEqual([]);
    expect((await putWebhook(app, target)).status).toBe(400);
  });

  it('delivers each insight with its id as x-sightline-delivery, the same after a restart and a recomputation', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-webhook-'));
    const first = await start(true, dataDir);
    expect((await putWebhook(first, hook.url)).status).toBe(200);
    await send(first, ['replay-1', 'replay-2', 'replay-3']);
    const firstRun = [...(await hook.waitFor(3))];
    for (const r of firstRun) {
      expect(r.headers['x-sightline-delivery']).toBe(r.body['id']);
      expect(r.headers['x-sightline-attempt']).toBe('1');
    }
    const idOf = new Map(firstRun.map((r) => [r.body['session_id'], r.headers['x-sightline-delivery']]));
    await stop(first);

    // Restart on the same data dir: the stored events are not processed into new deliveries again,
    // the same events sent again are duplicates; new sessions get new ids.
    const again = await start(true, dataDir);
    await send(again, ['replay-1', 'replay-2', 'replay-3', 'replay-4']);
    await hook.waitFor(4);
    await until(() => again.webhooks.pending === 0);
    const byId = new Map<unknown, string>();
    for (const r of hook.received) {
      const id = r.headers['x-sightline-delivery'];
      expect(id).toBe(r.body['id']);
      // A repeated delivery id always carries the same insight.
      expect(byId.get(id) ?? JSON.stringify(r.body)).toBe(JSON.stringify(r.body));
      byId.set(id, JSON.stringify(r.body));
      if (idOf.has(r.body['session_id'])) expect(id).toBe(idOf.get(r.body['session_id']));
    }
    expect(byId.size).toBe(4);
    await stop(again);

    // Processing the same events from scratch (what a replay does) gives the same delivery ids.
    const fresh = await start(true);
    const before = hook.received.length;
    expect((await putWebhook(fresh, hook.url)).status).toBe(200);
    await send(fresh, ['replay-1', 'replay-2', 'replay-3']);
    const recomputed = (await hook.waitFor(before + 3)).slice(before);
    expect(new Map(recomputed.map((r) => [r.body['session_id'], r.headers['x-sightline-delivery']]))).toEqual(
      idOf,
    );
  });
});
