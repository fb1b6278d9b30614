import type { z } from 'zod';
import type { StorageEngine } from '../storage/engine.js';

export interface QueryContext {
  engine: StorageEngine;
  /** Every query runs for exactly one project: the one whose secret key made the call. */
  projectId: string;
  now: number;
}

export interface QueryDefinition<Args, Result> {
  name: string;
  args: z.ZodType<Args>;
  run(ctx: QueryContext, args: Args): Promise<Result>;
}

export function defineQuery<Args, Result>(
  definition: QueryDefinition<Args, Result>,
): QueryDefinition<Args, Result> {
  return definition;
}
