import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import type { ProjectKeys } from '../../src/projects/default-project.js';
import { addProject, RawLiveClient, type Received, readyClient, startLiveApp } from './support.js';

const isResult = (id: string) => (m: Received) => m.type === 'result' && m.id === id;
const isError = (id: string) => (m: Received) => m.type === 'error' && m.id === id;
const overview = (hours: number) => ({
  time_range: { from: Date.now() - hours * 3_600_000, to: Date.now() },
});

describe('GET /v1/live: per-connection and per-project limits', () => {
  let app: RunningSightline;
  let other: ProjectKeys;
  const clients: RawLiveClient[] = [];
  const connect = async (key = app.keys.secretKey) => {
    const client = await readyClient(app.url, key);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startLiveApp({
      live: {
        intervalMs: 50,
        maxSubscriptionsPerConnection: 3,
        maxSubscriptionsPerProject: 5,
        maxComputationsPerProject: 4,
        maxConnectionsPerProject: 3,
      },
    });
    other = await addProject(app, 'other');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await app.close();
  });

  it('refuses subscriptions past the limits with rate_limited, keeps the others, and frees places on unsubscribe', async () => {
    const one = await connect();
    const args = { time_range: '1h' };
    for (const id of ['a', 'b', 'c', 'd']) one.send({ type: 'subscribe', id, query: 'overview', args });
    for (const id of ['a', 'b', 'c']) await one.waitFor(isResult(id));
    // Per connection: 3.
    expect(await one.waitFor(isError('d'))).toMatchObject({ error: 'rate_limited' });
    expect((await one.waitFor(isError('d'))).message).toMatch(/per connection/);

    // Per project, across connections: 5 subscriptions (3 + 2), then refused.
    const two = await connect();
    for (const id of ['e', 'f', 'g']) two.send({ type: 'subscribe', id, query: 'overview', args });
    await two.waitFor(isResult('e'));
    await two.waitFor(isResult('f'));
    expect(await two.waitFor(isError('g'))).toMatchObject({ error: 'rate_limited' });
    expect((await two.waitFor(isError('g'))).message).toMatch(/per project/);
    // Identical args share one computation.
    expect(app.live.sharedCount).toBe(1);

    // Another project is not affected by this one's limits.
    const theirs = await connect(other.secretKey);
    theirs.send({ type: 'subscribe', id: 'x', query: 'overview', args });
    await theirs.waitFor(isResult('x'));

    // An unsubscribe frees a place.
    two.send({ type: 'unsubscribe', id: 'e' });
    two.send({ type: 'subscribe', id: 'h', query: 'overview', args });
    await two.waitFor(isResult('h'));
    for (const c of [one, two, theirs]) c.close();
    await expect.poll(() => app.live.sharedCount).toBe(0);
  });

  it('refuses distinct computations past the per-project limit; a shared one is still accepted', async () => {
    const one = await connect();
    const two = await connect();
    const ranges = [overview(1), overview(2), overview(3)];
    for (const [i, args] of ranges.entries())
      one.send({ type: 'subscribe', id: `q${i}`, query: 'overview', args });
    two.send({ type: 'subscribe', id: 'q3', query: 'top_events', args: { time_range: '1h' } });
    two.send({ type: 'subscribe', id: 'q4', query: 'timeseries', args: { time_range: '1h' } });
    expect(await two.waitFor(isError('q4'))).toMatchObject({ error: 'rate_limited' });
    expect((await two.waitFor(isError('q4'))).message).toMatch(/distinct live queries/);
    expect(app.live.sharedCount).toBe(4);
    // The same query and args as q1: it shares q1's computation, so it is no new one.
    two.send({ type: 'subscribe', id: 'q5', query: 'overview', args: ranges[1] });
    await two.waitFor(isResult('q5'));
    expect(app.live.sharedCount).toBe(4);
    // A computation whose last subscriber left frees its place.
    one.send({ type: 'unsubscribe', id: 'q0' });
    two.send({ type: 'subscribe', id: 'q6', query: 'timeseries', args: { time_range: '1h' } });
    await two.waitFor(isResult('q6'));
    for (const c of [one, two]) c.close();
    await expect.poll(() => app.live.sharedCount).toBe(0);
  });

  it('refuses a connection past the per-project limit with rate_limited and close code 4429', async () => {
    const open = [await connect(), await connect(), await connect()];
    const extra = new RawLiveClient(app.url);
    clients.push(extra);
    await extra.opened();
    const closed = extra.closed();
    extra.send({ type: 'auth', key: app.keys.secretKey });
    expect((await closed).code).toBe(4429);
    expect(extra.messages[0]).toMatchObject({ type: 'error', error: 'rate_limited' });
    // Another project still connects.
    await connect(other.secretKey);
    // A connection that leaves frees its place.
    const left = open[0]!.closed();
    open[0]!.close();
    await left;
    await expect
      .poll(async () => {
        const again = new RawLiveClient(app.url);
        clients.push(again);
        await again.opened();
        again.send({ type: 'auth', key: app.keys.secretKey });
        return (await again.waitFor((m) => m.type === 'ready' || m.type === 'error')).type;
      })
      .toBe('ready');
  });
});
