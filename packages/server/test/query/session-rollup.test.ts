import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_KEY_SETTINGS } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISK_FACTORS } from '../../src/friction/catalogue.js';
import { dropOffsQuery } from '../../src/query/drop-offs.js';
import { DEFAULT_FUNNEL_STEPS, funnelQuery } from '../../src/query/funnel/index.js';
import { overviewQuery } from '../../src/query/overview.js';
import { rawEvents, splitRange } from '../../src/query/session-rollup.js';
import { timeseriesQuery } from '../../src/query/timeseries.js';
import { createRng } from '../../src/simulate/prng.js';
import { raw, sql } from '../../src/sql/sql.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import type { SessionFrictionRecord } from '../../src/storage/processor-records.js';
import { makeBatch } from '../support/processor-records.js';
import { makeRow } from '../support/rows.js';
import { type RefEvent, referenceFunnel } from './funnel-reference.js';
import { runQuery } from './support.js';

/**
 * The hourly session rollup (DuckDB) must never change an answer: overview totals, the overview's
 * conversion rate, hourly and daily time series and funnels over ranges that cut hours, with late events in rolled-up hours,
 * sessions across hour edges, several distinct ids per session and a second project, are compared
 * with counts and the brute-force funnel computed here from the rows themselves.
 */
const H0 = Math.floor(1_700_000_000_000 / 3_600_000) * 3_600_000;
/** An hour (four rollup slots): the fixtures span hours, their edges fall on slot boundaries. */
const HOUR = 3_600_000;
const NAMES = [...DEFAULT_FUNNEL_STEPS, 'noise'];
/** Events that are friction to the processor: the rollup must not care (drop-offs read session_friction). */
const FRICTION = ['error', 'rage_click', 'dead_click', 'page_performance', 'upload_progress'];

/**
 * Stored friction for two sessions in three, one catalogue factor each: drop-offs join it per
 * session, and the rollup must not change which sessions (hence which factors) drop at each step.
 */
function frictionRecords(rows: readonly EventRow[]): SessionFrictionRecord[] {
  const sessions = [
    ...new Set(rows.filter((r) => r.session_id !== '').map((r) => `${r.project_id}\u001f${r.session_id}`)),
  ];
  return sessions
    .map((key) => key.split('\u001f') as [string, string])
    .filter(([, sessionId]) => Number(sessionId.slice(1)) % 3 !== 0)
    .map(([projectId, sessionId]) => ({
      project_id: projectId,
      session_id: sessionId,
      distinct_id: '',
      friction_score: 1,
      factors: { [RISK_FACTORS[Number(sessionId.slice(1)) % RISK_FACTORS.length] as string]: 1 },
      updated_at: H0,
    }));
}
const NOW = H0 + 8 * HOUR;
/** Refreshing "at" this time rolls up every hour that ended before `end`. */
const refreshAt = (end: number) => end + ROLLUP_GRACE_MS + HOUR;

function makeRows(random: () => number): EventRow[] {
  const rows: EventRow[] = [];
  for (let s = 0; s < 400; s++) {
    const projectId = random() < 0.1 ? 'other' : 'p1';
    const sessionId = random() < 0.05 ? '' : `s${s}`;
    const users = [`u${Math.floor(random() * 150)}`, `u${Math.floor(random() * 150)}`];
    const start = H0 + Math.floor(random() * 6 * 3600) * 1000;
    const count = 1 + Math.floor(random() * 12);
    for (let i = 0; i < count; i++) {
      rows.push(
        makeRow({
          project_id: projectId,
          uuid: `${projectId}-${s}-${i}`,
          event:
            random() < 0.25
              ? (FRICTION[Math.floor(random() * FRICTION.length)] as string)
              : (NAMES[Math.floor(random() * NAMES.length)] as string),
          session_id: sessionId,
          distinct_id: random() < 0.15 ? (users[1] as string) : (users[0] as string),
          // Whole seconds over 90 min: ties, and sessions that cross hour edges.
          timestamp: start + Math.floor(random() * 5400) * 1000,
          properties: JSON.stringify({
            page_load_time: 1000 + Math.floor(random() * 6000),
            ...(random() < 0.8 ? { plan: ['free', 'pro', 'team'][Math.floor(random() * 3)] } : {}),
          }),
        }),
      );
    }
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j] as EventRow, rows[i] as EventRow];
  }
  return rows;
}

describe('hourly session rollup (DuckDB)', () => {
  let engine: StorageEngine;
  /** The same engine with the rollup out of sight: every query reads events. */
  let eventsOnly: StorageEngine;
  const stored: EventRow[] = [];
  const texts: string[] = [];
  const random = createRng(20_261_124).next;
  const rows = makeRows(random);

  beforeAll(async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-rollup-')), 'test.duckdb');
    // No background refreshes: the test moves the rollup's clock itself. Statements of 150 events
    // cut sessions into several rows, as hours and late events do.
    engine = await openDuckDbEngine({ path, rollupRefreshMs: 0, rollupEventsPerStatement: 150 });
    eventsOnly = Object.create(engine, { refreshSessionRollup: { value: undefined } }) as StorageEngine;
    await engine.commitProcessorBatch(makeBatch({ friction: frictionRecords(rows) }));
    const query = engine.query.bind(engine);
    engine.query = (fragment) => {
      texts.push(fragment.parts.join('?'));
      return query(fragment);
    };
  });
  afterAll(async () => {
    await engine.close();
  });

  const insert = async (batch: EventRow[]) => {
    await engine.insertEvents(batch);
    stored.push(...batch);
  };

  function expectedTotals(from: number, to: number) {
    const inRange = stored.filter((r) => r.project_id === 'p1' && r.timestamp >= from && r.timestamp < to);
    const distinct = (values: string[]) => new Set(values.filter((v) => v !== '')).size;
    const sessions = distinct(inRange.map((r) => r.session_id));
    return {
      total_events: inRange.length,
      unique_sessions: sessions,
      unique_users: distinct(inRange.map((r) => r.distinct_id)),
      avg_events_per_session: sessions > 0 ? inRange.length / sessions : 0,
    };
  }

  function expectedFunnel(
    from: number,
    to: number,
    steps: string[],
    unit: 'session' | 'user',
    windowMs: number,
    breakdown = false,
  ) {
    const events: RefEvent[] = stored
      .map((row, seq) => ({ row, seq }))
      .filter(({ row }) => row.project_id === 'p1' && row.timestamp >= from && row.timestamp < to)
      .filter(({ row }) => (unit === 'user' ? row.distinct_id : row.session_id) !== '')
      .map(({ row, seq }) => ({
        unit: unit === 'user' ? row.distinct_id : row.session_id,
        event: row.event,
        timestamp: row.timestamp,
        seq,
        breakdown:
          row.event === steps[0] ? ((JSON.parse(row.properties) as { plan?: string }).plan ?? '') : '',
      }));
    return referenceFunnel(events, steps, windowMs, breakdown);
  }

  const RANGES = [
    { from: H0 - HOUR, to: NOW },
    { from: H0 + 17 * 60_000, to: H0 + 4 * HOUR + 23 * 60_000 },
    { from: H0 + HOUR, to: H0 + 3 * HOUR },
    { from: H0 + 4 * HOUR + 10 * 60_000, to: H0 + 4 * HOUR + 50 * 60_000 },
    { from: H0 + 2 * HOUR + 1, to: H0 + 7 * HOUR - 1 },
  ];

  function expectedSeries(from: number, to: number, size: number) {
    const points: Array<{ t: number; events: number; sessions: number }> = [];
    for (let t = Math.floor(from / size) * size; t < to; t += size) {
      const rows = stored.filter(
        (r) =>
          r.project_id === 'p1' && r.timestamp >= Math.max(t, from) && r.timestamp < Math.min(t + size, to),
      );
      const sessions = new Set(rows.map((r) => r.session_id).filter((id) => id !== '')).size;
      points.push({ t, events: rows.length, sessions });
    }
    return points;
  }

  async function expectExactAnswers(label: string) {
    let compared = 0;
    let frictionSeen = 0;
    for (const range of RANGES) {
      for (const [interval, size] of [
        ['hour', 3_600_000],
        ['day', 86_400_000],
      ] as const) {
        const series = await runQuery(engine, timeseriesQuery, 'p1', { time_range: range, interval }, NOW);
        expect(series.points, `${label} ${interval}s ${JSON.stringify(range)}`).toEqual(
          expectedSeries(range.from, range.to, size),
        );
      }
      const overview = await runQuery(engine, overviewQuery, 'p1', { time_range: range }, NOW);
      const totals = expectedTotals(range.from, range.to);
      expect(
        { ...overview, conversion_rate: undefined, key_funnel: undefined },
        `${label} totals ${JSON.stringify(range)}`,
      ).toEqual({
        ...totals,
        conversion_rate: undefined,
        key_funnel: undefined,
      });
      const reference = expectedFunnel(
        range.from,
        range.to,
        [...DEFAULT_FUNNEL_STEPS],
        'session',
        HOUR,
      ).steps;
      const first = reference[0]?.count ?? 0;
      expect(overview.conversion_rate, `${label} conversion ${JSON.stringify(range)}`).toBeCloseTo(
        first > 0 ? (reference[reference.length - 1]?.count ?? 0) / first : 0,
        12,
      );
      // Friction is joined per session from session_friction: the same whether steps come from the rollup or events.
      const [dropOffs, fromEvents] = await Promise.all(
        [engine, eventsOnly].map((on) =>
          runQuery(on, dropOffsQuery, 'p1', { time_range: range, threshold: 0.1 }, NOW),
        ),
      );
      expect(dropOffs, `${label} drop-offs ${JSON.stringify(range)}`).toEqual(fromEvents);
      frictionSeen += (dropOffs?.drop_off_points ?? []).reduce(
        (sum, point) => sum + Object.values(point.friction).reduce((a, b) => a + b, 0),
        0,
      );
      for (let i = 0; i < 6; i++) {
        const steps = [...NAMES].sort(() => random() - 0.5).slice(0, 2 + Math.floor(random() * 4));
        const unit = random() < 0.5 ? 'session' : 'user';
        const windowMs = [0, 60_000, 600_000, HOUR][Math.floor(random() * 4)] as number;
        const breakdown = random() < 0.4;
        const actual = await runQuery(
          engine,
          funnelQuery,
          'p1',
          {
            time_range: range,
            steps,
            unit,
            window_ms: windowMs,
            ...(breakdown ? { breakdown: 'plan' } : {}),
          },
          NOW,
        );
        const expected = expectedFunnel(range.from, range.to, steps, unit, windowMs, breakdown);
        const args = JSON.stringify({ range, steps, unit, windowMs, breakdown });
        expect(actual, `${label} funnel ${args}`).toEqual(expected);
        compared += expected.steps[0]?.count ?? 0;
      }
    }
    expect(compared).toBeGreaterThan(500);
    expect(frictionSeen).toBeGreaterThan(50);
  }

  it('answers exactly before, during and after refreshes, with late events in rolled-up hours', async () => {
    const [a, b] = [Math.floor(rows.length * 0.6), Math.floor(rows.length * 0.85)];
    const [first, second, third] = [rows.slice(0, a), rows.slice(a, b), rows.slice(b)];
    expect(third.length).toBeGreaterThan(100);
    await insert(first);
    await expectExactAnswers('nothing rolled up');

    expect(await engine.refreshSessionRollup?.(refreshAt(H0 + 4 * HOUR))).toBeGreaterThan(0);
    texts.length = 0;
    await expectExactAnswers('hours before H0+4h rolled up');
    expect(texts.some((text) => text.includes('FROM session_hours'))).toBe(true);

    // Late events for rolled-up hours and events in new hours, then a refresh that takes some of them.
    await insert(second);
    await expectExactAnswers('late events not rolled up yet');
    expect(await engine.refreshSessionRollup?.(refreshAt(H0 + 5 * HOUR))).toBeGreaterThan(0);
    await insert(third);
    await expectExactAnswers('rolled up to H0+5h, then more late events');
    expect(await engine.refreshSessionRollup?.(refreshAt(NOW))).toBeGreaterThan(0);
    await expectExactAnswers('everything rolled up');
    expect(await engine.refreshSessionRollup?.(refreshAt(NOW))).toBe(0);
  });

  it('a query keeps one consistent cover while a refresh commits between its reads', async () => {
    const range = { from: H0, to: NOW };
    await engine.refreshSessionRollup?.(refreshAt(NOW));
    const split = await splitRange({ engine, projectId: 'p1', now: NOW, settings: NO_KEY_SETTINGS }, range);
    if (!split) throw new Error('DuckDB keeps a rollup');
    const late = makeRow({
      project_id: 'p1',
      uuid: 'late-1',
      session_id: 'late',
      timestamp: H0 + 30 * 60_000,
    });
    await insert([late]);
    expect(await engine.refreshSessionRollup?.(refreshAt(NOW))).toBe(1);
    // The split read before the refresh: its rollup rows exclude the new generation, its raw part has the late event.
    const [row] = await engine.query(
      sql`SELECT sum(n) AS total FROM (SELECT events AS n FROM session_hours WHERE ${split.rollup}
          UNION ALL ${rawEvents(split, raw('1 AS n'))}) AS r`,
    );
    expect(Number(row?.['total'])).toBe(expectedTotals(range.from, range.to).total_events);
  });
});
