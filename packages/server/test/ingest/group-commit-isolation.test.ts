import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/ingest/group-commit.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { CLICKHOUSE, DUCKDB } from '../support/engines.js';
import { makeRow } from '../support/rows.js';

/** A row of `project` (test/support/rows.ts fixture), with overrides. */
const row = (project: string, overrides: Partial<EventRow> = {}): EventRow =>
  makeRow({ project_id: project, ...overrides });

/**
 * Validation keeps out every value known to break a commit; this is the second line: a row the
 * engine refuses anyway (here an int64 overflow handed straight to the committer) costs only
 * itself, never the other requests of its group.
 */
/** A row each engine refuses: DuckDB an int64 overflow; ClickHouse (which wraps numbers) a non-string in a String column. */
const REFUSED: Record<string, Partial<EventRow>> = {
  [DUCKDB.name]: { timestamp: 1e19 },
  [CLICKHOUSE.name]: { event: { not: 'a string' } as unknown as string },
};

describe.each([DUCKDB, CLICKHOUSE])('a group commit with a row the engine refuses ($name)', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = (await kind.open()).engine;
  });
  afterAll(async () => {
    await engine.close();
  });

  it('stores every other row of the group and refuses only that one', async () => {
    // A long linger puts every request below into one group.
    const committer = new GroupCommitter(engine, {
      lingerMs: 50,
      maxRowsPerCommit: 50_000,
      maxPendingRows: 100_000,
      maxInFlight: 1,
    });
    const committed: number[] = [];
    committer.onCommitted((rows) => committed.push(rows.length));
    const good = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: 5 }, () => row(i % 2 ? 'a' : 'b')),
    );
    const poisoned = [row('a'), row('a', REFUSED[kind.name]), row('a')];
    const outcomes = await Promise.all([
      ...good.slice(0, 6).map((rows) => committer.submit(rows)),
      committer.submit(poisoned),
      ...good.slice(6).map((rows) => committer.submit(rows)),
    ]);
    const poisonOutcome = outcomes[6]!;
    expect(poisonOutcome.inserted).toBe(2);
    expect(poisonOutcome.refused.map((r) => r.row)).toEqual([1]);
    for (const [i, outcome] of outcomes.entries()) {
      if (i === 6) continue;
      expect(outcome).toEqual({ inserted: 5, duplicates: 0, refused: [] });
    }
    // Every stored row reached the commit listeners (the processor and live queries read them there).
    expect(committed.reduce((a, b) => a + b, 0)).toBe(62);
    const stored = [];
    for (const project of ['a', 'b'])
      for await (const chunk of engine.exportEvents(project, { from: 0, to: Number.MAX_SAFE_INTEGER }))
        stored.push(...chunk);
    const uuids = new Set(stored.map((e) => e.uuid));
    expect(uuids.size).toBe(62);
    for (const r of [...good.flat(), poisoned[0]!, poisoned[2]!]) expect(uuids.has(r.uuid)).toBe(true);
    expect(uuids.has(poisoned[1]!.uuid)).toBe(false);
    // The refused row can be sent again once fixed: nothing of it was remembered as stored.
    const retry = await committer.submit([{ ...row('a'), uuid: poisoned[1]!.uuid }]);
    expect(retry).toEqual({ inserted: 1, duplicates: 0, refused: [] });
  });
});
