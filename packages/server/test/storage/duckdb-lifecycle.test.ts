import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { overviewQuery } from '../../src/query/overview.js';
import { raw, sql } from '../../src/sql/sql.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { ROLLUP_SLOT_MS } from '../../src/storage/engine.js';
import { runQuery } from '../query/support.js';
import { makeRow } from '../support/rows.js';

const BASE = 1_700_000_000_000;
const tempPath = () => join(mkdtempSync(join(tmpdir(), 'sightline-duckdb-life-')), 'test.duckdb');

describe('DuckDB engine lifecycle', () => {
  it('closes while queries are still running: they finish or fail, the process lives on', async () => {
    const engine = await openDuckDbEngine({ path: tempPath(), rollupRefreshMs: 0 });
    const running = [
      engine.query(sql`SELECT count(*) AS n FROM range(30000000) AS r(i) WHERE i % 7 = 3`),
      engine.query(raw('SELECT nope FROM events')),
    ];
    const outcomes = Promise.allSettled(running);
    await engine.close();
    const [counted, failed] = await outcomes;
    expect(counted).toEqual({ status: 'fulfilled', value: [{ n: 4285714 }] });
    expect(failed?.status).toBe('rejected');
  });

  it('rolls up ended slots on its own, at the interval it is given', async () => {
    const engine = await openDuckDbEngine({ path: tempPath(), rollupRefreshMs: 100 });
    // Events of the day before yesterday: their hours ended long ago.
    const dayAgo = Date.now() - 2 * 86_400_000;
    await engine.insertEvents(
      Array.from({ length: 20 }, (_, i) => makeRow({ uuid: `old${i}`, timestamp: dayAgo + i * 1000 })),
    );
    const rolledUp = async () =>
      Number((await engine.query(raw('SELECT coalesce(sum(events), 0) AS n FROM session_hours')))[0]?.['n']);
    const deadline = Date.now() + 10_000;
    while ((await rolledUp()) < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await rolledUp()).toBe(20);
    await engine.close();
  });

  it('rebuilds a session rollup of an older layout from the events', async () => {
    const path = tempPath();
    let engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    const rows = Array.from({ length: 30 }, (_, i) =>
      makeRow({ uuid: `e${i}`, session_id: `s${i % 4}`, timestamp: BASE + i * 60_000 }),
    );
    await engine.insertEvents(rows);
    await engine.refreshSessionRollup?.(BASE + 5 * 3_600_000);
    // An older layout: the same table without a column this version reads.
    await engine.query(raw('ALTER TABLE session_hours DROP COLUMN single'));
    await engine.close();

    engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    expect(await engine.refreshSessionRollup?.(BASE + 5 * 3_600_000)).toBeGreaterThan(0);
    const overview = await runQuery(
      engine,
      overviewQuery,
      'p1',
      { time_range: { from: BASE - 3_600_000, to: BASE + 3 * 3_600_000 } },
      BASE,
    );
    expect(overview).toMatchObject({ total_events: 30, unique_sessions: 4 });
    await engine.close();
  });

  it('rebuilds a rollup made with another slot length: its rows would be read as the wrong spans', async () => {
    const path = tempPath();
    let engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    await engine.insertEvents(
      Array.from({ length: 30 }, (_, i) =>
        makeRow({ uuid: `e${i}`, session_id: `s${i % 4}`, timestamp: BASE + i * 60_000 }),
      ),
    );
    await engine.refreshSessionRollup?.(BASE + 5 * 3_600_000);
    // As a version with hour slots wrote it: every row then stood for a whole hour.
    await engine.query(raw('UPDATE session_rollup_state SET slot_ms = 3600000'));
    await engine.close();

    engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    const [state] = await engine.query(raw('SELECT count(*) AS n FROM session_rollup_state'));
    expect(Number(state?.['n'])).toBe(0);
    expect(await engine.refreshSessionRollup?.(BASE + 5 * 3_600_000)).toBeGreaterThan(0);
    const [slot] = await engine.query(raw('SELECT slot_ms FROM session_rollup_state'));
    expect(Number(slot?.['slot_ms'])).toBe(ROLLUP_SLOT_MS);
    await engine.close();
  });
});
