import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/sql/sql.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { DUCKDB } from '../support/engines.js';

/** DuckDB gets numbers in the SQL text (so its planner can use them) and strings as parameters. */
describe('duckdb query values', () => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = (await DUCKDB.open()).engine;
  });
  afterAll(async () => {
    await engine.close();
  });

  it('keeps numbers exact, negatives safe next to a minus, and strings as data', async () => {
    const hostile = "'; DROP TABLE events; --";
    const [row] = await engine.query(
      sql`SELECT 10 -${-5} AS diff, ${1.5} * 2 AS product, ${2 ** 52 + 1} AS big, ${true} AS yes, ${hostile} AS text`,
    );
    expect(row).toEqual({ diff: 15, product: 3, big: 2 ** 52 + 1, yes: true, text: hostile });
    expect(await engine.query(sql`SELECT count(*) AS n FROM events`)).toEqual([{ n: 0 }]);
  });

  it('refuses a number that has no exact SQL text', async () => {
    await expect(engine.query(sql`SELECT ${Number.NaN} AS x`)).rejects.toThrow(/finite/);
    await expect(engine.query(sql`SELECT ${Number.POSITIVE_INFINITY} AS x`)).rejects.toThrow(/finite/);
  });
});
