import type { SqlFragment } from '../sql/sql.js';
import type { QueryRow, StorageEngine } from '../storage/engine.js';

/** The engine as one query run sees it, and a way to know when the engine is done with that run. */
export interface RunEngine {
  engine: StorageEngine;
  /** Resolves once every engine.query the run started has ended (they may outlive the run itself). */
  settled(): Promise<void>;
}

/**
 * A thin view of `engine` for one query run: every `query(fragment)` carries the run's abort signal
 * and what is left of its budget, so the ~20 query modules stay unaware of cancellation. Every other
 * member is the engine's own (`rollup` stays present or absent, as query modules check).
 */
export function engineForRun(engine: StorageEngine, signal: AbortSignal, deadline: number): RunEngine {
  const inFlight = new Set<Promise<QueryRow[]>>();
  const query = (fragment: SqlFragment): Promise<QueryRow[]> => {
    const call = engine.query(fragment, { signal, timeoutMs: Math.max(0, deadline - Date.now()) });
    inFlight.add(call);
    const forget = () => inFlight.delete(call);
    call.then(forget, forget);
    return call;
  };
  const view = new Proxy(engine, {
    get(target, property) {
      if (property === 'query') return query;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    engine: view,
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
