import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestRank } from '../../src/query/percentile.js';
import { performanceQuery } from '../../src/query/performance.js';
import { raw, sql } from '../../src/sql/sql.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { FIXTURE_ROWS, NOW, PROJECT } from './fixture.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const q = (p50: number | null, p75: number | null, p95: number | null) => ({ p50, p75, p95 });
const vital = (samples: number, p75: number, rating: string, [good, needs_improvement, poor]: number[]) => ({
  samples,
  p75,
  rating,
  shares: { good, needs_improvement, poor },
});

describe.each(ENGINES)('performance on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(FIXTURE_ROWS);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('per path quantiles over page visits, from page_performance, web_vitals and $web_vitals', async () => {
    const result = await runQuery(engine, performanceQuery, PROJECT, { time_range: '1h' }, NOW);
    // Reports without a page view id: one page view per session and path (s2 and s4 on /home).
    expect(result.pages.map((p) => [p.path, p.vitals.lcp, p.vitals.cls, p.vitals.inp.p75])).toEqual([
      [
        '/home',
        vital(2, 3500, 'needs_improvement', [0, 1, 0]),
        vital(2, 0.2, 'needs_improvement', [0.5, 0.5, 0]),
        200,
      ],
      ['/pricing', vital(1, 1800, 'good', [1, 0, 0]), vital(1, 0.05, 'good', [1, 0, 0]), 120],
    ]);
    expect(result.devices.map((d) => [d.device, d.samples])).toEqual([['desktop', 3]]);
    expect({ pages: result.pages.map(({ vitals: _, ...quantiles }) => quantiles) }).toEqual({
      pages: [
        {
          path: '/home',
          samples: 2,
          page_load_time: q(1000, 5000, 5000),
          dom_ready_time: q(500, 2000, 2000),
          time_to_interactive: q(700, 2500, 2500),
          // s4's final LCP (web_vitals, 3500) replaces the one known at load (2000).
          lcp: q(3000, 3500, 3500),
          inp: q(200, 200, 200),
          cls: q(0.1, 0.2, 0.2),
          fcp: q(800, 800, 800),
          ttfb: q(100, 100, 100),
        },
        {
          path: '/pricing',
          samples: 1,
          page_load_time: q(null, null, null),
          dom_ready_time: q(null, null, null),
          time_to_interactive: q(null, null, null),
          lcp: q(1800, 1800, 1800),
          inp: q(120, 120, 120),
          cls: q(0.05, 0.05, 0.05),
          fcp: q(900, 900, 900),
          ttfb: q(null, null, null),
        },
      ],
    });
  });

  it("the dialect's quantile is the same nearest rank as the TypeScript one", async () => {
    for (const n of [1, 2, 3, 4, 7, 10, 20, 21, 100]) {
      const values = Array.from({ length: n }, (_, i) => (i * 7919) % 101);
      // UNION ALL rather than VALUES: ClickHouse 18.16 has no VALUES list in FROM.
      const list = raw(values.map((v) => `SELECT ${v} AS v`).join(' UNION ALL '));
      const quantiles = [0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];
      const select = quantiles.map(
        (p, i) => sql`${engine.dialect.quantile(raw('v'), p)} AS q${raw(String(i))}`,
      );
      const [row] = await engine.query(
        sql`SELECT ${select.reduce((a, b) => sql`${a}, ${b}`)} FROM (${list}) AS t`,
      );
      const sorted = [...values].sort((a, b) => a - b);
      for (const [i, p] of quantiles.entries()) {
        expect(Number(row?.[`q${i}`]), `n=${n} q=${p}`).toBe(nearestRank(sorted, p));
      }
    }
  });
});
