import { afterEach, describe, expect, it } from 'vitest';
import { WebhookDispatcher, type WebhookOptions } from '../../src/delivery/webhooks.js';
import { hang, insight, type Receiver, startReceiver, until } from './webhooks-receiver.js';

/** Real receivers on 127.0.0.1: reachable only with the operator's flag. */
const LOCAL: Partial<WebhookOptions> = { allowPrivateTargets: true, baseDelayMs: 10 };

describe('webhook deliveries', () => {
  const receivers: Receiver[] = [];
  const dispatchers: WebhookDispatcher[] = [];
  const receiver = async (...args: Parameters<typeof startReceiver>) => {
    const r = await startReceiver(...args);
    receivers.push(r);
    return r;
  };
  const dispatcher = (urls: Record<string, string>, options: Partial<WebhookOptions>) => {
    const d = new WebhookDispatcher((projectId) => urls[projectId], options);
    dispatchers.push(d);
    return d;
  };
  afterEach(async () => {
    for (const d of dispatchers.splice(0)) d.stop();
    for (const r of receivers.splice(0)) await r.close();
  });

  it('sends the insight id as the delivery id, the same on every attempt, with the attempt number', async () => {
    const hook = await receiver((n, res) => void res.writeHead(n <= 2 ? 500 : 204).end());
    const webhooks = dispatcher({ p: hook.url }, LOCAL);
    const record = insight('p');
    webhooks.enqueue([record]);
    const got = await hook.waitFor(3);
    expect(got.map((r) => [r.headers['x-sightline-delivery'], r.headers['x-sightline-attempt']])).toEqual([
      [record.id, '1'],
      [record.id, '2'],
      [record.id, '3'],
    ]);
    expect(got[2]!.body).toMatchObject({ id: record.id, session_id: record.session_id });
    expect(got[2]!.body).not.toHaveProperty('project_id');
    await until(() => webhooks.pending === 0);
    expect(webhooks.countersFor('p')).toEqual({
      delivered: 1,
      failed: 2,
      dropped: 0,
      lastFailure: 'answered 500',
    });
  });

  it('never follows a redirect: each 3xx is a failed attempt and the redirect target receives nothing', async () => {
    const target = await receiver();
    const statuses = [301, 302, 303, 307, 308];
    const redirecting = await receiver(
      (n, res) => void res.writeHead(statuses[n - 1]!, { location: target.url }).end(),
    );
    const webhooks = dispatcher({ p: redirecting.url }, { ...LOCAL, maxAttempts: statuses.length });
    webhooks.enqueue([insight('p')]);
    await redirecting.waitFor(statuses.length);
    await until(() => webhooks.pending === 0);
    expect(target.received).toEqual([]);
    expect(webhooks.countersFor('p')).toEqual({
      delivered: 0,
      failed: 5,
      dropped: 1,
      lastFailure: 'answered 308',
    });
  });

  it('refuses loopback targets at delivery, also a name that resolves to loopback, without retrying', async () => {
    const hook = await receiver();
    const urls = {
      byName: `http://localhost:${hook.port}/hook`,
      v4: `http://127.0.0.1:${hook.port}/hook`,
      v6: `http://[::1]:${hook.port}/hook`,
      mapped: `http://[::ffff:127.0.0.1]:${hook.port}/hook`,
    };
    const strict = dispatcher(urls, { baseDelayMs: 10 });
    strict.enqueue(Object.keys(urls).map((p) => insight(p)));
    await until(() => strict.pending === 0);
    for (const project of Object.keys(urls))
      expect(strict.countersFor(project)).toMatchObject({ delivered: 0, failed: 1, dropped: 1 });
    expect(strict.countersFor('byName').lastFailure).toMatch(/^localhost resolves to .*loopback/);
    expect(strict.countersFor('v6').lastFailure).toMatch(/::1 is a loopback/);
    expect(hook.received).toEqual([]);

    // The same name with the operator's flag is delivered: the check, not DNS, refused it above.
    const open = dispatcher({ byName: urls.byName }, LOCAL);
    open.enqueue([insight('byName')]);
    await hook.waitFor(1);
    expect(hook.received).toHaveLength(1);
  });

  it('a project whose receiver hangs delays only its own deliveries', async () => {
    const healthy = await receiver();
    const options: Partial<WebhookOptions> = { ...LOCAL, timeoutMs: 20_000 };
    const deliverB = async (webhooks: WebhookDispatcher, count: number) => {
      const before = healthy.received.length;
      const started = performance.now();
      webhooks.enqueue(Array.from({ length: count }, () => insight('b')));
      await healthy.waitFor(before + count);
      return performance.now() - started;
    };
    const count = 40;
    const alone = dispatcher({ b: healthy.url }, options);
    await deliverB(alone, 5); // warm-up
    const baseline = await deliverB(alone, count);

    // Three other projects' receivers never answer; each has a full backlog queued first.
    const hanging = await Promise.all([receiver(hang), receiver(hang), receiver(hang)]);
    const urls: Record<string, string> = {
      b: healthy.url,
      ...Object.fromEntries(hanging.map((h, i) => [`a${i}`, h.url])),
    };
    const shared = dispatcher(urls, options);
    for (let i = 0; i < hanging.length; i++)
      shared.enqueue(Array.from({ length: 50 }, () => insight(`a${i}`)));
    await Promise.all(hanging.map((h) => h.waitFor(2)));
    const withHanging = await deliverB(shared, count);

    console.log(
      `[webhooks] ${count} deliveries of project B: ${baseline.toFixed(1)} ms alone, ` +
        `${withHanging.toFixed(1)} ms while 3 projects' receivers hang (each holding its 2 slots, 48 queued)`,
    );
    expect(withHanging).toBeLessThanOrEqual(2 * baseline + 100);
    // The hanging projects held only their own slots: 2 attempts each, the rest still queued.
    expect(hanging.map((h) => h.received.length)).toEqual([2, 2, 2]);
    expect(shared.pending).toBe(150);
    expect(shared.countersFor('b')).toMatchObject({ delivered: count, failed: 0, dropped: 0 });
  });

  it('bounds each project’s queue (oldest dropped, counted) and drops what is left on stop', async () => {
    const stuck = await receiver(hang);
    const webhooks = dispatcher({ p: stuck.url }, { ...LOCAL, maxQueuedPerProject: 5 });
    webhooks.enqueue(Array.from({ length: 20 }, () => insight('p')));
    await stuck.waitFor(2);
    // 2 in flight (per-project concurrency), 5 queued, 13 dropped.
    expect(webhooks.pending).toBe(7);
    expect(webhooks.countersFor('p')).toMatchObject({ delivered: 0, dropped: 13 });
    webhooks.stop();
    await until(() => webhooks.pending === 0, 5000, 'in-flight attempts to abort');
    expect(webhooks.countersFor('p')).toMatchObject({ delivered: 0, failed: 2, dropped: 20 });
  });

  it('gives up a hanging attempt after the timeout and retries it', async () => {
    const slowThenOk = await receiver((n, res) => (n === 1 ? 'hang' : void res.writeHead(200).end()));
    const webhooks = dispatcher({ p: slowThenOk.url }, { ...LOCAL, timeoutMs: 200 });
    const started = performance.now();
    webhooks.enqueue([insight('p')]);
    const got = await slowThenOk.waitFor(2);
    expect(got[1]!.at - started).toBeGreaterThanOrEqual(200);
    await until(() => webhooks.pending === 0);
    expect(webhooks.countersFor('p')).toEqual({
      delivered: 1,
      failed: 1,
      dropped: 0,
      lastFailure: 'no answer in 200 ms',
    });
  });
});
