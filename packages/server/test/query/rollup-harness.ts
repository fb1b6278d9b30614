import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import type { StorageEngine } from '../../src/storage/engine.js';

/**
 * A DuckDB engine whose rollup the test refreshes itself, beside a view of the same engine with the
 * rollup out of sight (every query reads events), for tests that compare the two answers. `texts`
 * collects the SQL run, to check that the rollup was read; `reopen` closes and opens the file again.
 */
export interface RollupComparison {
  readonly engine: StorageEngine;
  readonly eventsOnly: StorageEngine;
  readonly texts: string[];
  reopen(): Promise<void>;
}

/**
 * Opens it before the suite's tests and closes it after. `eventsPerStatement`: small statements cut
 * sessions into several rollup rows, as slots and late events do.
 */
export function useRollupComparison(name: string, eventsPerStatement: number): RollupComparison {
  let path = '';
  const texts: string[] = [];
  const state = {} as { engine: StorageEngine; eventsOnly: StorageEngine };
  const open = async () => {
    const engine = await openDuckDbEngine({
      path,
      rollupRefreshMs: 0,
      rollupEventsPerStatement: eventsPerStatement,
    });
    // Hiding refreshSessionRollup hides the rollup (the engine's getter follows the view).
    state.eventsOnly = Object.create(engine, { refreshSessionRollup: { value: undefined } }) as StorageEngine;
    const query = engine.query.bind(engine);
    engine.query = (fragment, options) => {
      texts.push(fragment.parts.join('?'));
      return query(fragment, options);
    };
    state.engine = engine;
  };
  beforeAll(async () => {
    path = join(mkdtempSync(join(tmpdir(), `sightline-${name}-`)), 'test.duckdb');
    await open();
  });
  afterAll(() => state.engine.close());
  return {
    get engine() {
      return state.engine;
    },
    get eventsOnly() {
      return state.eventsOnly;
    },
    texts,
    async reopen() {
      await state.engine.close();
      await open();
    },
  };
}
