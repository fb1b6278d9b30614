import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from '../../../../e2e/support/sse-client.js';
import type { RunningSightline } from '../../src/app.js';
import { isHeldOut } from '../../src/processor/intervention-rules.js';
import { DEFAULT_PROJECT_ID, type ProjectKeys } from '../../src/projects/default-project.js';
import { QUERIES } from '../../src/query/index.js';
import { type DataSet, readsAny } from '../../src/query/reads.js';
import { addProject, type RawLiveClient, readyClient, startLiveApp } from './support.js';

/**
 * Every query in QUERIES against every kind of write: a live subscription is pushed when, and only
 * when, `POST /v1/query/<name>` answers differently after the write than before, and then with
 * exactly that answer; a query that reads nothing the write touched does not even re-run.
 */

const PUSH_WAIT_MS = 10_000;
/** After the expected pushes: long enough for many live intervals (20 ms) to pass without a push. */
const QUIET_MS = 300;

const now = Date.now();
/** A fixed range (presets end "now", and the dashboard answers its range): answers depend on data only. */
const RANGE = { from: now - 3_600_000, to: now + 3_600_000 };
const targeted = (prefix: string) =>
  Array.from({ length: 100 }, (_, i) => `${prefix}-${i}`).find((s) => !isHeldOut(s, 10))!;
const PLAIN = 'plain-session';
const JOURNEY = 'journey-session';
const SLOW = 'slow-session';
const ERR = targeted('err-session');

/** One subscription per query, with arguments under which the writes below can show. */
const SUBSCRIPTIONS: Record<string, Record<string, unknown>> = {
  dashboard: { time_range: RANGE },
  insights: { time_range: RANGE },
  insight_groups: { time_range: RANGE },
  journeys: { time_range: RANGE },
  interventions: { time_range: RANGE },
  friction: { time_range: RANGE },
  overview: { time_range: RANGE },
  timeseries: { time_range: RANGE },
  top_events: { time_range: RANGE },
  funnel: { time_range: RANGE, steps: ['page_view', 'journey_started'] },
  drop_offs: { time_range: RANGE, steps: ['page_view', 'journey_started', 'journey_step'] },
  user_flow: { time_range: RANGE },
  performance: { time_range: RANGE },
  sessions: { time_range: RANGE },
  session_timeline: { time_range: RANGE, session_id: ERR },
  web_overview: { time_range: RANGE },
  pages: { time_range: RANGE },
  entry_pages: { time_range: RANGE },
  exit_pages: { time_range: RANGE },
  countries: { time_range: RANGE },
  bots: { time_range: RANGE },
  sources: { time_range: RANGE },
  devices: { time_range: RANGE },
  retention: { period: 'day', periods: 2 },
};

let uuid = 0;
const event = (name: string, session: string, properties: Record<string, unknown> = {}) => ({
  uuid: `liveness-${++uuid}`,
  event: name,
  distinct_id: `d-${session}`,
  session_id: session,
  timestamp: Date.now(),
  properties: { path: `/${session}`, ...properties },
});

describe('live invalidation: declared reads × announced writes', () => {
  let app: RunningSightline;
  let other: ProjectKeys;
  let otherClient: RawLiveClient;
  let sse: SseStream | null = null;
  let interventionId = '';

  const call = async (method: string, path: string, body: unknown, key = app.keys.secretKey) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const send = async (events: unknown[], key = app.keys.publicKey) => {
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: key, batch: events }),
    });
    expect(res.status).toBe(200);
    await app.processor.drain();
  };
  /** What `POST /v1/query/<name>` answers now, per query, as JSON text. */
  const answers = async (): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    for (const [name, args] of Object.entries(SUBSCRIPTIONS))
      out.set(name, JSON.stringify(await call('POST', `/v1/query/${name}`, args)));
    return out;
  };
  /** The values pushed to a subscription so far, as JSON text, oldest first. */
  const pushes = (c: RawLiveClient, id: string) =>
    c.messages.filter((m) => m.type === 'result' && m.id === id).map((m) => JSON.stringify(m.value));
  const latest = (c: RawLiveClient, id: string) => pushes(c, id).at(-1);
  /**
   * A new client subscribed to every query, once each holds `expected`: every row starts from
   * fresh computations, so a push one row missed cannot spill into the next. `arrivals` says when
   * each subscription's latest push came (performance.now()).
   */
  const subscribeAll = async (expected: Map<string, string>) => {
    const client = await readyClient(app.url, app.keys.secretKey);
    const arrivals = new Map<string, number>();
    client.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string };
      if (message.type === 'result' && message.id) arrivals.set(message.id, performance.now());
    });
    for (const [name, args] of Object.entries(SUBSCRIPTIONS))
      client.send({ type: 'subscribe', id: name, query: name, args });
    for (const [name, answer] of expected)
      await expect.poll(() => latest(client, name), { timeout: PUSH_WAIT_MS }).toBe(answer);
    return { client, arrivals };
  };
  /** Closes the client and waits until the server dropped its computations (only the other project's remains). */
  const unsubscribeAll = async (client: RawLiveClient) => {
    client.close();
    await expect.poll(() => app.live.sharedCount, { timeout: PUSH_WAIT_MS }).toBe(1);
  };
  const interventionsReport = async () =>
    (await call('POST', '/v1/query/interventions', { time_range: RANGE })) as {
      rules: Array<{ rule_id: string; targeted: { delivered: number } }>;
    };

  beforeAll(async () => {
    // No wall-clock sweep: only the writes below may change anything.
    app = await startLiveApp({ live: { intervalMs: 20 }, processor: { sweepIntervalMs: 0 } });
    other = await addProject(app, 'liveness-other');
    otherClient = await readyClient(app.url, other.secretKey);
    otherClient.send({ type: 'subscribe', id: 'journeys', query: 'journeys', args: { time_range: RANGE } });
  });
  afterAll(async () => {
    sse?.close();
    otherClient?.close();
    await app?.close();
  });

  it('has a subscription for every query, each holding what POST /v1/query answers', async () => {
    expect(Object.keys(SUBSCRIPTIONS).sort()).toEqual([...QUERIES.keys()].sort());
    const { client } = await subscribeAll(await answers());
    await unsubscribeAll(client);
  });

  it('pushes a journey_started to journeys subscribers (active: 1, as POST answers)', async () => {
    // The reported bug: the processor signalled only insights and interventions, so this never came.
    const live = await readyClient(app.url, app.keys.secretKey);
    try {
      const args = { time_range: '1h', journey_name: 'signup' };
      live.send({ type: 'subscribe', id: 'j', query: 'journeys', args });
      await live.waitFor((m) => m.id === 'j' && m.type === 'result');
      expect(latest(live, 'j')).toBe('{"journeys":[]}');
      await send([
        event('journey_started', 'signup-session', { journey_name: 'signup', initial_step: 'form' }),
      ]);
      const answer = JSON.stringify(await call('POST', '/v1/query/journeys', args));
      expect(answer).toContain('"active":1');
      await expect.poll(() => latest(live, 'j'), { timeout: PUSH_WAIT_MS }).toBe(answer);
    } finally {
      await unsubscribeAll(live);
    }
  });

  it('pushes a filtered processor view when an event alone makes a session match', async () => {
    // journeys reads `journeys`, but with filters it keeps the sessions having a matching event: a
    // page view (touching only events) that brings a session in must re-run it.
    const live = await readyClient(app.url, app.keys.secretKey);
    try {
      const args = {
        time_range: '1h',
        journey_name: 'trial',
        filters: [{ property: 'path', op: 'eq', value: '/trial-later' }],
      };
      await send([
        event('journey_started', 'trial-session', { journey_name: 'trial', initial_step: 'form' }),
      ]);
      await expect
        .poll(
          async () => JSON.stringify(await call('POST', '/v1/query/journeys', { ...args, filters: [] })),
          {
            timeout: PUSH_WAIT_MS,
          },
        )
        .toContain('"active":1');
      live.send({ type: 'subscribe', id: 'jf', query: 'journeys', args });
      await live.waitFor((m) => m.id === 'jf' && m.type === 'result');
      expect(latest(live, 'jf')).toBe('{"journeys":[]}');
      await send([event('page_view', 'trial-session', { path: '/trial-later' })]);
      const answer = JSON.stringify(await call('POST', '/v1/query/journeys', args));
      expect(answer).toContain('"active":1');
      await expect.poll(() => latest(live, 'jf'), { timeout: PUSH_WAIT_MS }).toBe(answer);
    } finally {
      await unsubscribeAll(live);
    }
  });

  interface Write {
    name: string;
    /** The data sets of the subscribed project the write touches. */
    touches: DataSet[];
    /** Queries whose answer must change (so the write really happened and the row proves something). */
    changes: string[];
    run(): Promise<void>;
    /** Also checked once the write is done. */
    check?(): Promise<void>;
  }

  const WRITES: Write[] = [
    {
      name: 'an event commit',
      touches: ['events'],
      changes: ['overview', 'top_events', 'timeseries', 'sessions', 'funnel', 'dashboard'],
      run: () => send([event('page_view', PLAIN)]),
    },
    {
      name: 'a journey start',
      touches: ['events', 'journeys'],
      changes: ['journeys', 'top_events'],
      run: () =>
        send([event('journey_started', JOURNEY, { journey_name: 'checkout', initial_step: 'cart' })]),
    },
    {
      name: 'a journey step',
      touches: ['events', 'journeys'],
      changes: ['journeys', 'top_events'],
      run: () => send([event('journey_step', JOURNEY, { journey_name: 'checkout', step: 'pay' })]),
    },
    {
      name: 'an insight (slow page: no intervention)',
      touches: ['events', 'insights', 'friction'],
      changes: ['insights', 'insight_groups', 'friction', 'performance'],
      run: () => send([event('page_performance', SLOW, { page_load_time: 9000 })]),
    },
    {
      name: 'an intervention created (error)',
      touches: ['events', 'insights', 'interventions', 'friction'],
      changes: ['interventions', 'insights', 'insight_groups', 'friction', 'session_timeline'],
      run: () => send([event('error', ERR, { message: 'boom' })]),
    },
    {
      name: 'an intervention delivered over SSE',
      touches: ['interventions'],
      // The session's timeline shows when its intervention was delivered.
      changes: ['interventions', 'session_timeline'],
      async run() {
        const delivered = async () =>
          (await interventionsReport()).rules.reduce((n, r) => n + r.targeted.delivered, 0);
        const before = await delivered();
        sse = await openSse(
          `${app.url}/v1/interventions?session_id=${ERR}&api_key=${encodeURIComponent(app.keys.publicKey)}`,
        );
        const message = await sse.next(PUSH_WAIT_MS);
        interventionId = (JSON.parse(message.data) as { id: string }).id;
        // Delivery is recorded just after the frame is written.
        await expect.poll(delivered, { timeout: PUSH_WAIT_MS }).toBe(before + 1);
      },
    },
    {
      name: '$intervention_shown',
      touches: ['events', 'interventions'],
      changes: ['interventions', 'session_timeline'],
      run: () => send([event('$intervention_shown', ERR, { intervention_id: interventionId })]),
    },
    {
      name: 'an insight status change',
      touches: ['insights'],
      changes: ['insights', 'insight_groups', 'session_timeline'],
      async run() {
        const { insights } = (await call('POST', '/v1/query/insights', {
          time_range: RANGE,
          session_id: ERR,
        })) as {
          insights: Array<{ id: string }>;
        };
        await call('POST', `/v1/insights/${insights[0]!.id}/status`, { status: 'resolved' });
      },
    },
    {
      name: 'an intervention rules change',
      touches: ['rules'],
      changes: [],
      run: async () => {
        const rules = [{ id: 'slow', when: ['slow_page'], action: 'tooltip', message: 'Still loading.' }];
        await call('PUT', '/v1/intervention-rules', { rules });
      },
    },
    {
      name: 'a key settings change',
      touches: ['settings'],
      changes: ['interventions'],
      run: async () => {
        await call('PUT', '/v1/settings', { key_journey: 'checkout' });
      },
    },
    {
      name: 'a write in another project',
      touches: [],
      changes: [],
      run: () =>
        send(
          [
            event('journey_started', 'other-session', { journey_name: 'checkout' }),
            event('error', 'other-session', { message: 'boom' }),
          ],
          other.publicKey,
        ),
      // That project's own subscriber does get it.
      check: () =>
        expect.poll(() => latest(otherClient, 'journeys'), { timeout: PUSH_WAIT_MS }).toContain('"active":1'),
    },
  ];

  for (const write of WRITES) {
    it(`${write.name}: pushes exactly the subscriptions whose answer changed`, async () => {
      const before = await answers();
      const { client, arrivals } = await subscribeAll(before);
      try {
        const pushedBefore = new Map([...before.keys()].map((name) => [name, pushes(client, name).length]));
        const project = DEFAULT_PROJECT_ID;
        const runsBefore = new Map(
          [...before.keys()].map((name) => [name, app.live.executionsOf(project, name)]),
        );

        await write.run();
        const written = performance.now();
        const after = await answers();
        const changed = [...after]
          .filter(([name, answer]) => before.get(name) !== answer)
          .map(([name]) => name);
        for (const name of changed)
          await expect.poll(() => latest(client, name), { timeout: PUSH_WAIT_MS }).toBe(after.get(name));
        // The last push of a changed answer, ms after the write returned (negative: it came before).
        const lastPushMs = Math.max(...changed.map((name) => arrivals.get(name)! - written));
        await sleep(QUIET_MS);
        await write.check?.();

        const touched = new Set(write.touches);
        const report: string[] = [];
        for (const [name, definition] of QUERIES) {
          const pushed = pushes(client, name).slice(pushedBefore.get(name));
          const runs = app.live.executionsOf(project, name) - runsBefore.get(name)!;
          report.push(
            `${name}: ${changed.includes(name) ? 'changed' : 'same'}, ${runs} runs, ${pushed.length} pushes`,
          );
          if (changed.includes(name)) {
            expect(
              readsAny(definition.reads, touched),
              `${name} changed but reads none of ${write.touches}`,
            ).toBe(true);
            expect(pushed.at(-1), `${name} after`).toBe(after.get(name));
          } else {
            expect(pushed, `${name} did not change: no push`).toEqual([]);
          }
          if (!readsAny(definition.reads, touched)) expect(runs, `${name} reads nothing touched`).toBe(0);
        }
        expect(changed).toEqual(expect.arrayContaining(write.changes));
        console.log(
          `[liveness] ${write.name} (touches ${write.touches.join(', ') || 'nothing here'}): changed ${changed.join(', ') || 'none'}${changed.length > 0 ? `; last push ${lastPushMs.toFixed(0)} ms after the write returned` : ''}\n  ${report.join('\n  ')}`,
        );
      } finally {
        await unsubscribeAll(client);
      }
    });
  }
});
