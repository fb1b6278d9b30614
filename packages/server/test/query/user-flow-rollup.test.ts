import type { QueryFilter, TimeRange } from '@sightline/schema';
import { describe, expect, it } from 'vitest';
import { userFlowQuery } from '../../src/query/user-flow.js';
import { createRng } from '../../src/simulate/prng.js';
import { sql } from '../../src/sql/sql.js';
import { FLOW_PAIR_HOURS } from '../../src/storage/duckdb/flow-rollup.js';
import { ROLLUP_GRACE_MS } from '../../src/storage/duckdb/session-rollup.js';
import type { EventRow } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { useRollupComparison } from './rollup-harness.js';
import { runQuery } from './support.js';

/**
 * The DuckDB flow rollup (flow_hours and its hourly sums) must never change user_flow's answer:
 * seeded sessions that cross hours and the range's edges, share timestamps (seq decides), get cut
 * by rollup statements and receive late events after their hour was rolled up, in both modes, with
 * and without filters and for short and long paths, all compared with the same engine reading
 * events only.
 */
/** An hour (four rollup slots): the fixtures span hours, their edges fall on slot boundaries. */
const HOUR = 3_600_000;
const H0 = Math.floor(1_700_000_000_000 / HOUR) * HOUR;
const NOW = H0 + 8 * HOUR;
const refreshAt = (end: number) => end + ROLLUP_GRACE_MS + HOUR;
const NAMES = ['user_click', 'scroll_depth', 'error', 'upload_started', 'journey_step'];
const PATHS = ['/', '/docs', '/pricing', '/upload'];

function sessions(random: () => number, count: number, tag: string): EventRow[] {
  const rows: EventRow[] = [];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;
  for (let s = 0; s < count; s++) {
    const session = `${tag}${int(0, count * 2)}`;
    const browser = random() < 0.5 ? 'Chrome' : 'Firefox';
    let t = H0 + int(0, 7 * 3600) * 1000;
    const steps = int(1, 14);
    for (let i = 0; i < steps; i++) {
      // Equal timestamps now and then: seq orders them.
      if (random() > 0.2) t += int(1, 900) * 1000;
      const page = random() < 0.35;
      rows.push(
        makeRow({
          project_id: random() < 0.1 ? 'other' : 'p1',
          uuid: `${tag}-${s}-${i}-${rows.length}`,
          event: page ? 'page_view' : pick(NAMES),
          session_id: random() < 0.03 ? '' : session,
          distinct_id: `u-${session}`,
          timestamp: t,
          path: pick(PATHS),
          browser,
        }),
      );
    }
  }
  return rows;
}

const RANGES: TimeRange[] = [
  { from: H0 - HOUR, to: NOW },
  { from: H0 + 17 * 60_000, to: H0 + 4 * HOUR + 23 * 60_000 },
  { from: H0 + HOUR, to: H0 + 3 * HOUR },
  { from: H0 + 2 * HOUR + 1, to: H0 + 7 * HOUR - 1 },
];
const FILTERS: Array<QueryFilter[] | undefined> = [
  undefined,
  [{ property: 'browser', op: 'eq', value: 'Chrome' }],
  [{ property: 'path', op: 'eq', value: '/upload' }],
];
const SHAPES = [
  { mode: 'events', path_length: 3 },
  { mode: 'events', path_length: 6 },
  { mode: 'pages', path_length: 5 },
  { mode: 'pages', path_length: 20 },
];

describe('user_flow over the hourly flow rollup (DuckDB)', () => {
  // No background refreshes; statements of 15 events cut sessions within a slot.
  const rollup = useRollupComparison('flow-rollup', 15);
  const { texts } = rollup;
  const random = createRng(20_261_205).next;

  async function expectSameAnswers(label: string) {
    let transitions = 0;
    for (const time_range of RANGES) {
      for (const filters of FILTERS) {
        for (const shape of SHAPES) {
          const args = { time_range, filters, limit: 1000, ...shape };
          const expected = await runQuery(rollup.eventsOnly, userFlowQuery, 'p1', args, NOW);
          const answer = await runQuery(rollup.engine, userFlowQuery, 'p1', args, NOW);
          expect(answer, `${label} ${JSON.stringify(args)}`).toEqual(expected);
          transitions += expected.transitions.reduce((sum, t) => sum + t.count, 0);
        }
      }
    }
    return transitions;
  }

  it('answers as events do before, between and after refreshes, with late events', async () => {
    await rollup.engine.insertEvents(sessions(random, 150, 's'));
    expect(await expectSameAnswers('before any refresh')).toBeGreaterThan(0);

    await rollup.engine.refreshSessionRollup?.(refreshAt(H0 + 3 * HOUR));
    texts.length = 0;
    await expectSameAnswers('hours 0-2 rolled up');
    expect(texts.some((t) => t.includes(FLOW_PAIR_HOURS))).toBe(true);

    // Late events: more steps of rolled-up sessions (same ids) in covered hours.
    await rollup.engine.insertEvents(sessions(random, 60, 's'));
    await expectSameAnswers('late events');
    await rollup.engine.refreshSessionRollup?.(refreshAt(NOW));
    const compared = await expectSameAnswers('all rolled up');
    // The hard cases happened: sessions with pieces in several slots (stitched) and with two in one (read from events).
    const [shape] = await rollup.engine.query(
      sql`SELECT sum(CASE WHEN pieces > slots THEN 1 ELSE 0 END) AS conflicts, sum(CASE WHEN slots > 1 THEN 1 ELSE 0 END) AS stitched
        FROM (SELECT count(*) AS pieces, count(DISTINCT hour) AS slots FROM flow_hours GROUP BY project_id, session_id, mode) AS s`,
    );
    expect(Number(shape?.['conflicts'])).toBeGreaterThan(0);
    expect(Number(shape?.['stitched'])).toBeGreaterThan(0);
    const [rows] = await rollup.engine.query(sql`SELECT count(*) AS n FROM flow_hours`);
    console.log(`transitions compared: ${compared}; flow pieces: ${rows?.['n']}`);
  });

  it('fills the flow tables up to the cover for a file rolled up before they existed', async () => {
    const before = await expectSameAnswers('before');
    await rollup.engine.query(sql`DROP TABLE flow_hours`);
    await rollup.reopen();
    texts.length = 0;
    expect(await expectSameAnswers('reopened')).toBe(before);
    expect(texts.some((t) => t.includes(FLOW_PAIR_HOURS))).toBe(true);
  });
});
