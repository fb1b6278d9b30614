import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GroupCommitter } from '../ingest/group-commit.js';
import type { ProjectDirectory } from '../projects/directory.js';
import type { StorageEngine } from '../storage/engine.js';

/** What every route handler may use. Built once by app.ts. */
export interface ServerContext {
  engine: StorageEngine;
  projects: ProjectDirectory;
  committer: GroupCommitter;
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
  method: 'GET' | 'POST';
  /** Exact path, or a pattern with `:name` segments. */
  path: string;
  handler: RouteHandler;
}
