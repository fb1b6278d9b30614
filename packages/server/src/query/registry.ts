import type { KeySettings, ParsedQueryArgs, QueryArgs, QueryName, QueryResult } from '@sightline/schema';
import type { z } from 'zod';
import type { StorageEngine } from '../storage/engine.js';
import type { DataSet } from './reads.js';

export interface QueryContext {
  engine: StorageEngine;
  /** Every query runs for exactly one project: the one whose secret key made the call. */
  projectId: string;
  now: number;
  /**
   * The project's key funnel and key journey as in force for this run (stored, or the defaults of
   * projects/key-settings.ts): overview, drop_offs, dashboard and interventions read them.
   */
  settings: KeySettings;
  /**
   * Aborted when the run is past its time budget or its caller left (query-runner.ts). The engine
   * a run gets already passes it to every engine.query; a query that loops in TypeScript may check it.
   */
  signal?: AbortSignal;
}

export interface QueryDefinition<Args, Result> {
  name: string;
  args: z.ZodType<Args>;
  /**
   * Every data set the query reads (query/reads.ts): a live subscription re-runs only after a write
   * that touched one of them, so a missing entry means pushes that never come.
   */
  reads: readonly DataSet[];
  run(ctx: QueryContext, args: Args): Promise<Result>;
}

/**
 * A query of the map in @sightline/schema (QueryMap): its name, the schema of what callers may send
 * (the same input type, with defaults filled in by parsing) and a run that returns exactly the
 * declared result, so the server cannot drift from what the clients are typed with.
 */
export interface NamedQueryDefinition<N extends QueryName>
  extends QueryDefinition<ParsedQueryArgs<N>, QueryResult<N>> {
  name: N;
  args: z.ZodType<ParsedQueryArgs<N>, QueryArgs<N>>;
}

export function defineQuery<N extends QueryName>(
  definition: NamedQueryDefinition<N>,
): NamedQueryDefinition<N> {
  return definition;
}
