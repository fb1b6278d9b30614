import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/simulate/prng.js';
import { join, raw, sql } from '../../src/sql/sql.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { CHDB, CLICKHOUSE, CLICKHOUSE_DISTRIBUTED } from '../support/engines.js';
import { makeRow } from '../support/rows.js';

/** Strings that have broken SQL escaping somewhere. */
const HOSTILE = [
  "'",
  "''",
  "\\'",
  '\\',
  '\\\\',
  "'; DROP TABLE events; --",
  "x' OR '1'='1",
  '\u0000',
  'a\u0000b',
  '\\0',
  '\\x41',
  '\\N',
  '\n\r\t\b\f\v',
  '/* comment */',
  '-- line',
  '`"\'`',
  '{"a":"b\\"c"}',
  'ünïcödé 😀 𝄞 中文 עברית',
  '\u2028\u2029\ufeff',
  '?',
  '$1',
  '{name:String}',
];

/** Any code point but lone surrogates (no UTF-8 form), weighted towards the dangerous ones. */
function randomString(random: () => number): string {
  const pick = ["'", '\\', '"', '\u0000', '\n', ';', '-', '/', '*', '?', '$', '{', '}', 'a', ' '];
  let out = '';
  const length = Math.floor(random() * 24);
  for (let i = 0; i < length; i++) {
    const r = random();
    if (r < 0.5) out += pick[Math.floor(random() * pick.length)];
    else if (r < 0.7) out += String.fromCharCode(Math.floor(random() * 0x20));
    else if (r < 0.9) {
      const cp = Math.floor(random() * 0xd000) + 0x20;
      out += String.fromCodePoint(cp);
    } else out += String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
  }
  return out;
}

const hexOf = (s: string) => Buffer.from(s, 'utf8').toString('hex').toUpperCase();

/** The one literal-escaping function (storage/clickhouse/literals.ts), through each ClickHouse engine. */
describe.each([CLICKHOUSE, CLICKHOUSE_DISTRIBUTED, CHDB])('ClickHouse literals on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = (await kind.open()).engine;
  });
  afterAll(async () => {
    await engine.close();
  });

  it('round-trips hostile and random strings byte for byte', async () => {
    const random = createRng(8).next;
    const strings = [...HOSTILE, ...Array.from({ length: 400 }, () => randomString(random))];
    for (let start = 0; start < strings.length; start += 50) {
      const batch = strings.slice(start, start + 50);
      const columns = batch.map((s, i) => sql`${s} AS ${raw(`v${i}`)}, hex(${s}) AS ${raw(`h${i}`)}`);
      const [row] = await engine.query(sql`SELECT ${join(columns)}`);
      batch.forEach((s, i) => {
        expect(row?.[`v${i}`], JSON.stringify(s)).toBe(s);
        expect(row?.[`h${i}`], JSON.stringify(s)).toBe(hexOf(s));
      });
    }
  });

  it('finds stored events by hostile values and leaves the tables intact', async () => {
    const rows = HOSTILE.map((s, i) =>
      makeRow({ project_id: `p${i}`, event: s, session_id: s, distinct_id: s }),
    );
    await engine.insertEvents(rows);
    for (const [i, s] of HOSTILE.entries()) {
      const found = await engine.query(
        sql`SELECT event, count() AS n FROM events WHERE project_id = ${`p${i}`} AND event = ${s} AND session_id = ${s} GROUP BY event`,
      );
      expect(found, JSON.stringify(s)).toEqual([{ event: s, n: 1 }]);
    }
    expect(await engine.query(sql`SELECT count() AS n FROM events`)).toEqual([{ n: HOSTILE.length }]);
  });

  it('writes numbers, booleans and NULL as literals', async () => {
    const [row] = await engine.query(
      sql`SELECT ${-5} - ${-3} AS a, ${1.5} AS b, ${true} AS c, ${null} AS d, ${2 ** 52} AS e`,
    );
    expect(row).toEqual({ a: -2, b: 1.5, c: 1, d: null, e: 2 ** 52 });
  });
});
