import { DEMO_KEY_SETTINGS, type KeySettings } from '@sightline/schema';
import type { QueryDefinition } from '../../src/query/registry.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { DUCKDB, ENGINES, type TestEngineKind } from '../support/engines.js';

/** Every query test runs on each of these (`describe.each(ENGINES)`): DuckDB, ClickHouse single and distributed, chDB. */
export { ENGINES };

/** A fresh, empty engine of the given kind (DuckDB by default). */
export async function openTestEngine(kind: TestEngineKind = DUCKDB): Promise<StorageEngine> {
  return (await kind.open()).engine;
}

/**
 * Runs a query exactly as the route does: zod-parses the args, then runs for one project, with the
 * demo's key funnel and journey unless `settings` says otherwise (the fixtures are demo traffic).
 */
export async function runQuery<Args, Result>(
  engine: StorageEngine,
  definition: QueryDefinition<Args, Result>,
  projectId: string,
  args: unknown,
  now: number,
  settings: KeySettings = DEMO_KEY_SETTINGS,
): Promise<Result> {
  return definition.run({ engine, projectId, now, settings }, definition.args.parse(args));
}
