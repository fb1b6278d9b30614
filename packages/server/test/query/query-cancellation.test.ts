import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../src/errors.js';
import { QueryRunner } from '../../src/query/query-runner.js';
import type { QueryDefinition } from '../../src/query/registry.js';
import { raw } from '../../src/sql/sql.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { CHDB, CLICKHOUSE, DUCKDB, type TestEngineKind } from '../support/engines.js';

/** Summing 10^11 numbers takes minutes on any engine: only a cancellation ends it in time. */
const SLOW_RANGE = '100000000000';
const slowSql = (engine: StorageEngine) =>
  engine.name === 'duckdb'
    ? `SELECT sum(range) AS s FROM range(${SLOW_RANGE})`
    : `SELECT sum(number) AS s FROM numbers(${SLOW_RANGE})`;

/** Not a query of the map (defineQuery takes only those): a bare definition, as the runner gets them. */
const slowQuery: QueryDefinition<object, unknown> = {
  name: 'slow_sum',
  reads: ['events'],
  args: z.object({}),
  run: ({ engine }) => engine.query(raw(slowSql(engine))),
};

const BUDGET_MS = 500;

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return performance.now() - started;
}

describe.each([DUCKDB, CLICKHOUSE, CHDB] as TestEngineKind[])('query cancellation: $name', (kind) => {
  let engine: StorageEngine;
  let runner: QueryRunner;
  beforeAll(async () => {
    engine = (await kind.open()).engine;
    runner = new QueryRunner(engine, { timeoutMs: BUDGET_MS });
  });
  afterAll(async () => {
    await engine?.close();
  });

  /** The engine's own view: the slow statement is no longer running (the HTTP server's process list). */
  const slowStatementGone = async () => {
    if (kind !== CLICKHOUSE) return true;
    const [row] = await engine.query(
      raw(
        `SELECT count() AS n FROM system.processes WHERE query LIKE '%numbers(${SLOW_RANGE})%' AND query NOT LIKE '%system.processes%'`,
      ),
    );
    return Number(row?.['n']) === 0;
  };

  const expectEngineAnswers = async () => {
    const started = performance.now();
    expect(await engine.query(raw('SELECT 1 AS x'))).toEqual([{ x: 1 }]);
    return performance.now() - started;
  };

  it('a run past its budget is cancelled in the engine and answered query_timeout', async () => {
    const started = performance.now();
    const error = await runner
      .run({ projectId: 'p', definition: slowQuery, args: {}, budgetIncludesWait: false })
      .catch((e: unknown) => e);
    const answeredMs = performance.now() - started;
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('query_timeout');
    expect((error as ApiError).status).toBe(503);
    expect(answeredMs).toBeGreaterThanOrEqual(BUDGET_MS - 5);
    expect(answeredMs).toBeLessThan(BUDGET_MS + 1500);
    // The turn is given back once the engine let go of the statement: the work really stopped.
    const freedMs = await waitUntil(() => runner.runningCount() === 0, 5_000);
    await waitUntil(slowStatementGone, 5_000);
    const nextMs = await expectEngineAnswers();
    console.log(
      `[cancel ${kind.name}] budget ${BUDGET_MS} ms: answered after ${answeredMs.toFixed(0)} ms, engine free ${freedMs.toFixed(0)} ms later, next query ${nextMs.toFixed(0)} ms`,
    );
  });

  it('a caller that leaves cancels its run with its own reason', async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 200);
    const started = performance.now();
    await expect(
      runner.run({
        projectId: 'p',
        definition: slowQuery,
        args: {},
        signal: controller.signal,
        budgetIncludesWait: true,
      }),
    ).rejects.toBe(reason);
    expect(performance.now() - started).toBeLessThan(BUDGET_MS);
    await waitUntil(() => runner.runningCount() === 0, 5_000);
    await waitUntil(slowStatementGone, 5_000);
    await expectEngineAnswers();
  });
});
