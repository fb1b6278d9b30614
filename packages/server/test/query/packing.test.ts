import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { funnelQuery } from '../../src/query/funnel/index.js';
import { sessionsQuery } from '../../src/query/sessions.js';
import { userFlowQuery } from '../../src/query/user-flow.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

/** Names and ids containing the packing separators (funnel.ts, user-flow.ts) come back intact. */
const AWKWARD = ['a:b,c;d=e', 'ünï😀', ''];
const T = 1_700_000_000_000;

describe.each(ENGINES)('packed query results keep any text intact on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    const rows = AWKWARD.flatMap((name, s) =>
      [name || 'empty', `${name}→next`].map((event, i) =>
        makeRow({
          project_id: 'p-pack',
          uuid: `pack-${s}-${i}`,
          event,
          session_id: `sess=${name};${s}`,
          path: `/${name}/${i}`,
          timestamp: T + i * 1000,
        }),
      ),
    );
    await engine.insertEvents(rows);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('in user_flow labels and funnel steps', async () => {
    const range = { from: T, to: T + 10_000 };
    const flow = await runQuery(engine, userFlowQuery, 'p-pack', { time_range: range }, T);
    expect(flow.transitions).toEqual([
      { from: 'a:b,c;d=e', to: 'a:b,c;d=e→next', count: 1 },
      { from: 'empty', to: '→next', count: 1 },
      { from: 'ünï😀', to: 'ünï😀→next', count: 1 },
    ]);
    const funnel = await runQuery(
      engine,
      funnelQuery,
      'p-pack',
      { time_range: range, steps: ['a:b,c;d=e', 'a:b,c;d=e→next'] },
      T,
    );
    expect(funnel.steps.map((s) => [s.count, s.median_time_to_convert_ms])).toEqual([
      [1, null],
      [1, 1000],
    ]);
    const sessions = await runQuery(engine, sessionsQuery, 'p-pack', { time_range: range }, T);
    expect(sessions.sessions.map((s) => s.session_id).sort()).toEqual([
      'sess=;2',
      'sess=a:b,c;d=e;0',
      'sess=ünï😀;1',
    ]);
  });
});
