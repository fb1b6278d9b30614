import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GroupCommitter } from '../ingest/group-commit.js';
import type { InterventionHub } from '../processor/intervention-hub.js';
import type { ProjectSettings } from '../processor/project-settings.js';
import type { ProjectDirectory } from '../projects/directory.js';
import type { StorageEngine } from '../storage/engine.js';

/** What every route handler may use. Built once by app.ts. */
export interface ServerContext {
  engine: StorageEngine;
  projects: ProjectDirectory;
  committer: GroupCommitter;
  /** Interventions over SSE (processor/intervention-hub.ts). */
  interventions: InterventionHub;
  /** Per-project intervention rules and webhook (processor/project-settings.ts). */
  settings: ProjectSettings;
  /** Marks live queries over the processor's tables dirty (a route changed them, e.g. an insight's status). */
  processorDataChanged(): void;
  /** True once shutdown began: new requests are refused with 503. */
  isShuttingDown(): boolean;
}

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  ctx: ServerContext;
}

export type RouteHandler = (request: RouteRequest) => Promise<void>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** Exact path, or a pattern with `:name` segments. */
  path: string;
  handler: RouteHandler;
}
