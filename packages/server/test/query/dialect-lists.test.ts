import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, sql } from '../../src/sql/sql.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { ENGINES, openTestEngine } from './support.js';

/** The list pieces of the dialect the session rollup reads (query/session-rollup.ts), on every engine. */
describe.each(ENGINES)('dialect list access on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('reads the element at a value’s position, and NULL for a value the list lacks', async () => {
    const { listPosition, listElement } = engine.dialect;
    const names = raw("['b', 'it''s', 'a']");
    const values = raw('[10, 20, 30]');
    const [row] = await engine.query(
      sql`SELECT ${listElement(values, listPosition(names, sql`${"it's"}`))} AS found,
          ${listElement(values, listPosition(names, sql`${'a'}`))} AS last,
          ${listElement(values, listPosition(names, sql`${'missing'}`))} AS missing`,
    );
    expect(row).toEqual({ found: 20, last: 30, missing: null });
  });
});

/** The list pieces the flow rollup's query reads (query/user-flow-rollup.ts, storage/flow-pieces.ts), on every engine. */
describe.each(ENGINES)('dialect list building on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(async () => {
    await engine.close();
  });

  const rows =
    raw(`SELECT 'x' AS g, 3 AS k, 'c' AS v UNION ALL SELECT 'x', 1, 'a' UNION ALL SELECT 'x', 2, 'b'
    UNION ALL SELECT 'x', 4, 'd' UNION ALL SELECT 'y', 9, 'z'`);

  it('keeps the first values by a key in order, the last one, and parallel lists', async () => {
    const d = engine.dialect;
    const at = (list: string, i: number) => d.listElement(raw(list), raw(String(i)));
    // Lists leave the engines as text of differing shapes: read them element by element.
    const result = await engine.query(
      sql`SELECT g, ${d.listLength(raw('firsts'))} AS n, ${at('firsts', 1)} AS f1, ${at('firsts', 2)} AS f2,
          ${at('firsts', 3)} AS f3, last
        FROM (SELECT g, ${d.firstByN(raw('v'), raw('k'), 3)} AS firsts, ${d.argMax(raw('v'), [raw('k')])} AS last
              FROM (${rows}) AS r GROUP BY g) AS a ORDER BY g`,
    );
    expect(result.map((r) => [r['g'], Number(r['n']), r['f1'], r['last']])).toEqual([
      ['x', 3, 'a', 'd'],
      ['y', 1, 'z', 'z'],
    ]);
    expect([result[0]?.['f2'], result[0]?.['f3']]).toEqual(['b', 'c']);
    // The two lists of one GROUP BY are parallel: each value sits beside its own key.
    const pairs = await engine.query(
      sql`SELECT ${d.listElement(raw('vs'), raw('i'))} AS v, ${d.listElement(raw('ks'), raw('i'))} AS k
        FROM (SELECT vs, ks, ${d.listPositions(raw('vs'))} AS i
              FROM (SELECT ${d.listAgg(raw('v'))} AS vs, ${d.listAgg(raw('k'))} AS ks FROM (${rows}) AS r WHERE g = 'x') AS a) AS u`,
    );
    expect(pairs.map((r) => `${Number(r['k'])}${r['v']}`).sort()).toEqual(['1a', '2b', '3c', '4d']);
  });

  it('cuts, measures and unnests a list by position', async () => {
    const d = engine.dialect;
    const list = raw("['a', 'b', 'c']");
    const head = d.listHead(list, 2);
    const [row] = await engine.query(
      sql`SELECT ${d.listLength(head)} AS head, ${d.listElement(head, raw('2'))} AS second,
          ${d.listLength(d.listHead(list, 5))} AS whole, ${d.listLength(list)} AS n`,
    );
    expect([row?.['head'], row?.['second'], row?.['whole'], row?.['n']].map(String)).toEqual([
      '2',
      'b',
      '3',
      '3',
    ]);
    const unnested = await engine.query(
      sql`SELECT i, ${d.listElement(raw('l'), raw('i'))} AS v
        FROM (SELECT l, ${d.listPositions(raw('l'))} AS i FROM (SELECT ${list} AS l) AS s) AS u ORDER BY i`,
    );
    expect(unnested.map((r) => [Number(r['i']), r['v']])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });
});

describe.each(ENGINES)('dialect sequences on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
  });
  afterAll(async () => {
    await engine.close();
  });

  it('numbers rows within a partition of two columns and gives each the next one', async () => {
    const rows = raw(`SELECT 's' AS a, 1 AS b, 20 AS t, 'y' AS v UNION ALL SELECT 's', 1, 10, 'x'
      UNION ALL SELECT 's', 2, 5, 'z' UNION ALL SELECT 'u', 1, 1, 'w'`);
    const result = await engine.query(
      sql`SELECT a, b, v, seq_pos, next_v FROM (${engine.dialect.inSequence(rows, 'a, b', ['t'], ['v'], ['v'])}) AS q
        ORDER BY a, b, seq_pos`,
    );
    expect(
      result.map((r) => [r['a'], Number(r['b']), r['v'], Number(r['seq_pos']), r['next_v'] ?? null]),
    ).toEqual([
      ['s', 1, 'x', 1, 'y'],
      ['s', 1, 'y', 2, null],
      ['s', 2, 'z', 1, null],
      ['u', 1, 'w', 1, null],
    ]);
  });
});
