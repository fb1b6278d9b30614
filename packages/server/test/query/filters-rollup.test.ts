import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { funnelQuery } from '../../src/query/funnel/index.js';
import { overviewQuery } from '../../src/query/overview.js';
import type { QueryDefinition } from '../../src/query/registry.js';
import { sessionsQuery } from '../../src/query/sessions.js';
import { timeseriesQuery } from '../../src/query/timeseries.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import {
  IN_GERMANY,
  NOW,
  PRICING_VIEW,
  PROCESSOR_BATCH,
  PROJECT,
  RANGE,
  ROWS,
  SETTINGS,
} from './filters-fixture.js';
import { runQuery } from './support.js';

/**
 * DuckDB's hourly session rollup keeps no per-event columns: with filters, overview, timeseries
 * and the funnel read raw events (and answer as filters-events.test.ts expects); without, they
 * still read the rollup.
 */
describe('filters beside the hourly session rollup (DuckDB)', () => {
  let engine: StorageEngine;
  let texts: string[] = [];

  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-filters-rollup-')), 'test.duckdb');
    engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 });
    await engine.insertEvents(ROWS);
    await engine.commitProcessorBatch(PROCESSOR_BATCH);
    // The fixture's hour has ended: roll it up.
    expect(await engine.refreshSessionRollup?.(RANGE.to + ROLLUP_GRACE_MS + 3_600_000)).toBeGreaterThan(0);
    const query = engine.query.bind(engine);
    engine.query = (fragment) => {
      texts.push(fragment.parts.join('?'));
      return query(fragment);
    };
  });
  afterAll(async () => {
    await engine.close();
  });

  /** The answer, and whether any statement of the run read the rollup's rows. */
  async function run<A, R>(definition: QueryDefinition<A, R>, args: Record<string, unknown>) {
    texts = [];
    const answer = await runQuery(engine, definition, PROJECT, { time_range: RANGE, ...args }, NOW, SETTINGS);
    return { answer, rollup: texts.some((text) => text.includes('session_hours')) };
  }

  it('overview and timeseries read the rollup without filters and events with them', async () => {
    expect(await run(overviewQuery, {})).toMatchObject({
      answer: { total_events: 12, unique_sessions: 5, conversion_rate: 3 / 5 },
      rollup: true,
    });
    expect(await run(overviewQuery, { filters: IN_GERMANY })).toMatchObject({
      answer: { total_events: 7, unique_sessions: 3, unique_users: 3, conversion_rate: 2 / 3 },
      rollup: false,
    });
    expect(await run(timeseriesQuery, { interval: 'hour' })).toEqual({
      answer: { interval: 'hour', points: [{ t: RANGE.from, events: 12, sessions: 5 }] },
      rollup: true,
    });
    expect(await run(timeseriesQuery, { interval: 'hour', filters: IN_GERMANY })).toEqual({
      answer: { interval: 'hour', points: [{ t: RANGE.from, events: 7, sessions: 3 }] },
      rollup: false,
    });
  });

  it('the funnel reads events once a step or the query has filters', async () => {
    const counts = async (args: Record<string, unknown>) => {
      const { answer, rollup } = await run(funnelQuery, args);
      return { counts: answer.steps.map((s) => s.count), rollup };
    };
    expect(await counts({ steps: ['page_view', 'signup'] })).toEqual({ counts: [5, 3], rollup: true });
    expect(await counts({ steps: ['page_view', 'signup'], filters: IN_GERMANY })).toEqual({
      counts: [3, 2],
      rollup: false,
    });
    expect(await counts({ steps: [PRICING_VIEW, 'signup'] })).toEqual({ counts: [2, 1], rollup: false });
  });

  it('the sessions list narrows rollup-backed rows to the sessions with a matching event', async () => {
    const { answer } = await run(sessionsQuery, { filters: PRICING_VIEW.filters });
    expect(answer.sessions.map((s) => [s.session_id, s.event_count, s.pages])).toEqual([
      ['sA', 3, 2],
      ['sC', 2, 1],
    ]);
  });
});
