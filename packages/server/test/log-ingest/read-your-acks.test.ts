import { describe, expect, it } from 'vitest';
import { eventBatch, exportAll, postEvents } from '../support/app.js';
import { appForFile, eventually } from './fixtures.js';

const ROUNDS = 20;
const EVENT = 'ack_check';

/**
 * Capture answers 200 once events are on the event log, before the loader stores them: a read
 * started after that 200 must still see them (log/log-backlog.ts readBarrier).
 */
describe('read-your-acks through HTTP', () => {
  const app = appForFile('read-your-acks');

  const countOf = async (): Promise<number> => {
    const res = await fetch(`${app().url}/v1/query/top_events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app().keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time_range: '1h' }),
    });
    expect(res.status).toBe(200);
    const { events } = (await res.json()) as { events: Array<{ name: string; count: number }> };
    return events.find((e) => e.name === EVENT)?.count ?? 0;
  };

  it(`a query and an export right after a capture's 200 see its event (${ROUNDS} rounds)`, async () => {
    for (let round = 1; round <= ROUNDS; round++) {
      const uuid = `ack-${round}`;
      const body = eventBatch(app().keys.publicKey, [
        { uuid, event: EVENT, distinct_id: 'd', session_id: 's', timestamp: Date.now() },
      ]);
      const captured = await postEvents(app(), body);
      expect(captured, `round ${round}`).toMatchObject({ status: 200, body: { accepted: 1, duplicates: 0 } });
      expect(await countOf(), `round ${round}: query`).toBe(round);
      const exported = (await exportAll(app())).map((e) => e['uuid']);
      expect(exported, `round ${round}: export`).toContain(uuid);
      expect(exported).toHaveLength(round);
    }
  });

  it('/healthz reports the event log: counters and lag in events and ms, the loader catching up', async () => {
    const health = async () => {
      const res = await fetch(`${app().url}/healthz`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { event_log: Record<string, number> }).event_log;
    };
    const first = await health();
    for (const field of [
      'loader_lag_events',
      'loader_lag_ms',
      'processor_lag_events',
      'processor_lag_ms',
      'appended_events',
      'syncs',
      'failed_writes',
    ]) {
      expect(typeof first[field], field).toBe('number');
      expect(first[field], field).toBeGreaterThanOrEqual(0);
    }
    expect(first['appended_events']).toBeGreaterThanOrEqual(ROUNDS);
    expect(first['syncs']).toBeGreaterThanOrEqual(1);
    expect(first['failed_writes']).toBe(0);
    const caughtUp = await eventually('loader and processor caught up', async () => {
      const now = await health();
      return now['loader_lag_events'] === 0 && now['processor_lag_events'] === 0 ? now : null;
    });
    expect(caughtUp).toMatchObject({ loader_lag_ms: 0, processor_lag_ms: 0 });
  });
});
