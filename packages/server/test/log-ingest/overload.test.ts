import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { raw } from '../../src/sql/sql.js';
import { startLimitedApp } from '../http/net-helpers.js';
import { eventBatch, exportAll, postEvents } from '../support/app.js';
import { eventually, tempDirs } from './fixtures.js';

const MAX_BEHIND = 50;
const PER_BATCH = 20;

/**
 * The loader stalls for real: its position table is renamed away, so DuckDB refuses every load
 * transaction (a Catalog error: the call's fault, so the store stays healthy and /healthz answers
 * 200 with the lag) and the loader retries until the table is back.
 */
async function stallLoader(app: RunningSightline): Promise<() => Promise<void>> {
  await app.engine.query(raw('ALTER TABLE event_log_position RENAME TO event_log_position_away'));
  return async () => {
    await app.engine.query(raw('ALTER TABLE event_log_position_away RENAME TO event_log_position'));
  };
}

const batchOf = (n: number) =>
  Array.from({ length: n }, () => ({
    uuid: randomUUID(),
    event: 'page_view',
    distinct_id: 'd',
    session_id: 's',
    timestamp: Date.now(),
  }));

/** Capture past StartOptions.backlog.maxBehindEvents while the loader cannot store anything. */
describe('capture while the loader is stalled', () => {
  const dirs = tempDirs('overload');
  let app: RunningSightline | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    dirs.removeAll();
  });

  it('answers 503 overloaded with Retry-After past the bound, shows the lag, and stores every acknowledged event once it resumes', async () => {
    const running = await startLimitedApp({ backlog: { maxBehindEvents: MAX_BEHIND } }, dirs.make());
    app = running;
    const resume = await stallLoader(running);
    const health = async () => {
      const res = await fetch(`${running.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { event_log: Record<string, number> } };
    };

    const acknowledged: string[] = [];
    // 20, 40, 60 acknowledged events waiting: the bound (50) is checked before each append.
    for (let i = 0; i < 3; i++) {
      const batch = batchOf(PER_BATCH);
      const answer = await postEvents(running, eventBatch(running.keys.publicKey, batch));
      expect(answer, `batch ${i}`).toMatchObject({
        status: 200,
        body: { accepted: PER_BATCH, duplicates: 0 },
      });
      acknowledged.push(...batch.map((e) => e.uuid));
    }
    const refusedBatch = batchOf(PER_BATCH);
    const refusedBody = eventBatch(running.keys.publicKey, refusedBatch);
    const res = await fetch(`${running.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: refusedBody,
    });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await res.json()) as Record<string, unknown>)['error']).toBe('overloaded');

    // The operator sees why: the store is healthy, the loader is 60 events behind.
    const stalled = await health();
    expect(stalled.status).toBe(200);
    expect(stalled.body.event_log).toMatchObject({
      loader_lag_events: 3 * PER_BATCH,
      appended_events: 3 * PER_BATCH,
    });
    expect(stalled.body.event_log['loader_lag_ms']).toBeGreaterThanOrEqual(0);

    await resume();
    await eventually('the loader caught up', async () => {
      const now = await health();
      return now.body.event_log?.['loader_lag_events'] === 0 ? true : null;
    });
    // The refused batch was not taken: its retry is stored, not answered as duplicates.
    expect(await postEvents(running, refusedBody)).toMatchObject({
      status: 200,
      body: { accepted: PER_BATCH, duplicates: 0 },
    });
    acknowledged.push(...refusedBatch.map((e) => e.uuid));

    const stored = (await exportAll(running)).map((e) => String(e['uuid']));
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.sort()).toEqual([...acknowledged].sort());
  });
});
