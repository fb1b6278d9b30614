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
