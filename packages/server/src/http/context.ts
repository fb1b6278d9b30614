import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterHealth } from '../cluster/cluster-node.js';
import type { InterventionHub } from '../delivery/intervention-hub.js';
import type { ExportSlots } from '../export/export-limits.js';
import type { EventCommitter } from '../ingest/capture.js';
import type { ClientCountry } from '../ingest/geo/client-country.js';
import type { LogStats } from '../log/index.js';
import type { ConsumerLag } from '../log/log-backlog.js';
import type { InsightStatuses } from '../processor/insight-statuses.js';
import type { ProjectSettings } from '../processor/project-settings.js';
import type { DashboardAccess } from '../projects/dashboard-access.js';
import type { ProjectDirectory } from '../projects/directory.js';
import type { QueryRunner } from '../query/query-runner.js';
import type { StorageEngine } from '../storage/engine.js';

/** What every route handler may use. Built once by app.ts. */
export interface ServerContext {
  engine: StorageEngine;
  projects: ProjectDirectory;
  /** Secret and share keys, sign-in sessions (projects/dashboard-access.ts): who reads and who writes. */
  access: DashboardAccess;
  committer: EventCommitter;
  /**
   * Resolves once what the project (every project when absent) had acknowledged before the call is
   * readable (read-your-acks; at once without an event log).
   */
  readBarrier(projectId?: string, signal?: AbortSignal): Promise<void>;
  /** The event log's counters and its consumers' lag, for /healthz and /metrics (absent without an event log). */
  eventLog: { stats(): LogStats; lag(): { loader: ConsumerLag; processor: ConsumerLag } } | undefined;
  /** This node's share of the shared NATS log (`--log nats`), for /healthz; absent otherwise. */
  cluster: { health(): ClusterHealth } | undefined;
  /** A capture request's country, from its client address (ingest/geo/client-country.ts). */
  geo: ClientCountry;
  /** Runs queries with fair turns on the engine and a time budget (query/query-runner.ts). */
  queries: QueryRunner;
  /** Interventions over SSE (delivery/intervention-hub.ts). */
  interventions: InterventionHub;
  /** Exports running at once, per project and in total (export/export-limits.ts). */
  exports: ExportSlots;
  /** Per-project intervention rules and webhook (processor/project-settings.ts). */
  settings: ProjectSettings;
  /** Acknowledges or resolves insights (processor/insight-statuses.ts); live queries hear of it. */
  insightStatuses: InsightStatuses;
  /** True once shutdown began: new requests are refused with 503. */
  isShuttingDown(): boolean;
  /** The demo's routes (/demo/, /demo/api/*) are served (`--demo`); off, they answer 404. */
  demo: boolean;
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
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Exact path, or a pattern with `:name` segments. */
  path: string;
  handler: RouteHandler;
}
