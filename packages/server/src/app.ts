import type { AddressInfo } from 'node:net';
import { ClusterNode } from './cluster/cluster-node.js';
import type { SightlineConfig } from './config.js';
import { InterventionHub } from './delivery/intervention-hub.js';
import { fitStreamsToConnections, type StreamLimits, streamLimitsFromEnv } from './delivery/stream-limits.js';
import { WebhookDispatcher, webhookOptionsFromEnv } from './delivery/webhooks.js';
import { type ExportLimits, ExportSlots, exportLimitsFromEnv } from './export/export-limits.js';
import { type ConnectionLimits, connectionLimitsFromEnv, fitToOpenFiles } from './http/connection-limits.js';
import type { ServerContext } from './http/context.js';
import { createHttpServer } from './http/server.js';
import {
  ClientCountry,
  DEFAULT_GEO,
  type GeoOptions,
  geoOptionsFromEnv,
} from './ingest/geo/client-country.js';
import { DEFAULT_GROUP_COMMIT, type GroupCommitOptions, GroupCommitter } from './ingest/group-commit.js';
import { backlogOptionsFromEnv, type LogIngest, openLogIngest } from './ingest/log-ingest.js';
import {
  attachLiveServer,
  committedEventWrites,
  type LiveLimits,
  LiveQueries,
  liveLimitsFromEnv,
  WriteNotices,
} from './live/index.js';
import { type BacklogOptions, DEFAULT_BACKLOG } from './log/log-backlog.js';
import { createProcessor } from './processor/create-processor.js';
import { InsightStatuses } from './processor/insight-statuses.js';
import { DEFAULT_HOLDOUT_PERCENT } from './processor/intervention-rules.js';
import type { ProcessorOptions } from './processor/processor.js';
import { ProjectSettings } from './processor/project-settings.js';
import type { ProcessorControl } from './processor/worker/processor-host.js';
import { DashboardAccess } from './projects/dashboard-access.js';
import { type DefaultProjectKeys, ensureDefaultProject } from './projects/default-project.js';
import { ProjectDirectory } from './projects/directory.js';
import { shareKeyLimitsFromEnv } from './projects/share-keys.js';
import { signInOptionsFromEnv } from './projects/sign-in-sessions.js';
import { type QueryLimits, queryLimitsFromEnv } from './query/query-limits.js';
import { QueryRunner } from './query/query-runner.js';
import type { StorageEngine } from './storage/engine.js';
import { openEngine } from './storage/open-engine.js';

const SHUTDOWN_GRACE_MS = 5_000;

export interface RunningSightline {
  url: string;
  port: number;
  keys: DefaultProjectKeys;
  engine: StorageEngine;
  projects: ProjectDirectory;
  /** The stream processor (journeys, insights, interventions); `drain()` waits until it caught up. */
  processor: ProcessorControl;
  interventions: InterventionHub;
  webhooks: WebhookDispatcher;
  /** Live queries of `GET /v1/live` (shared computations; `executions` counts runs). */
  live: LiveQueries;
  /** Every query run (HTTP and live): fair turns on the engine, time budget. */
  queries: QueryRunner;
  /** Capture on the event log (engines with a loader: DuckDB); undefined where capture commits to the engine. */
  logIngest: LogIngest | undefined;
  /** Stop accepting, finish in-flight requests, commit what is queued, close the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  groupCommit?: Partial<GroupCommitOptions>;
  processor?: Partial<ProcessorOptions>;
  /** Live queries: limits (live/live-limits.ts); bytes a slow client may buffer. */
  live?: Partial<LiveLimits> & { highWaterBytes?: number };
  /** Query budget and fair-share limits (query/query-limits.ts), for HTTP and live queries alike. */
  queries?: Partial<QueryLimits>;
  /** Open sockets, in total and per client address (http/connection-limits.ts). */
  connections?: Partial<ConnectionLimits>;
  /** Intervention streams (SSE) per client, per project, in total (delivery/stream-limits.ts). */
  streams?: Partial<StreamLimits>;
  /** Exports running at once, and how long a stalled one may hold its slot (export/export-limits.ts). */
  exports?: Partial<ExportLimits>;
  /** Reverse proxies whose X-Forwarded-For names the client (ingest/geo/client-country.ts). */
  geo?: Partial<GeoOptions>;
  /** How far the event log's consumers may fall behind, and how long reads wait for the loader (log/log-backlog.ts). */
  backlog?: Partial<BacklogOptions>;
}

/** The composition root: opens the engine, wires ingest, queries and HTTP, and listens. */
export async function startSightline(
  config: SightlineConfig,
  options: StartOptions = {},
): Promise<RunningSightline> {
  const engine = await openEngine(config);
  let startedProcessor: ProcessorControl | undefined;
  let logIngest: LogIngest | undefined;
  let cluster: ClusterNode | undefined;
  try {
    const keys = await ensureDefaultProject(engine, config.dataDir, {
      ...(config.publicKey ? { publicKey: config.publicKey } : {}),
      ...(config.secretKey ? { secretKey: config.secretKey } : {}),
    });
    const projects = new ProjectDirectory(engine);
    await projects.reload();
    const access = new DashboardAccess(projects, engine, {
      shareKeys: shareKeyLimitsFromEnv(process.env),
      sessions: signInOptionsFromEnv(process.env),
    });
    const backlog = { ...DEFAULT_BACKLOG, ...backlogOptionsFromEnv(process.env), ...options.backlog };
    // Several nodes (`--log nats`) share the event log on NATS; engines with a loader take capture
    // on their own event log (acknowledged once fsync'd there); the others commit each group to
    // the engine before answering.
    cluster = config.cluster ? await ClusterNode.open(engine, config.cluster, backlog) : undefined;
    logIngest = cluster
      ? undefined
      : engine.logLoading
        ? await openLogIngest(
            engine,
            engine.logLoading,
            config.dataDir,
            {
              checkpoint: () => startedProcessor?.lastSeq ?? 0,
              replayFrom: () => startedProcessor?.replayFrom ?? 0,
            },
            backlog,
          )
        : undefined;
    // This node's own commits (not on the shared log): their listeners hear of each stored group.
    const localCommitter = cluster
      ? undefined
      : (logIngest?.committer ??
        new GroupCommitter(engine, { ...DEFAULT_GROUP_COMMIT, ...options.groupCommit }));
    const committer = cluster?.committer ?? localCommitter!;
    const geo = await ClientCountry.load({
      ...DEFAULT_GEO,
      ...geoOptionsFromEnv(process.env),
      ...options.geo,
    });
    // Every write announces here what it touched; live queries re-run what reads it (below).
    const notices = new WriteNotices();
    const settings = await ProjectSettings.load(engine, notices);
    const processorOptions = {
      holdoutPercent: config.holdoutPercent ?? DEFAULT_HOLDOUT_PERCENT,
      ...options.processor,
    };
    // Sockets first: intervention streams may hold only a share of them (stream-limits.ts).
    const connections = fitToOpenFiles({ ...connectionLimitsFromEnv(process.env), ...options.connections });
    const interventions = new InterventionHub(
      engine,
      Date.now,
      fitStreamsToConnections(
        { ...streamLimitsFromEnv(process.env), ...options.streams },
        connections.maxConnections,
      ),
      notices,
    );
    const processor = cluster
      ? cluster.processing({ settings, notices, interventions, processor: processorOptions })
      : createProcessor(engine, settings, notices, localCommitter!, logIngest, processorOptions);
    startedProcessor = processor;
    const webhooks = new WebhookDispatcher(
      (projectId) => settings.webhookFor(projectId),
      webhookOptionsFromEnv(process.env),
    );
    processor.onCommitted((outputs) => {
      interventions.deliver(outputs.interventions);
      webhooks.enqueue(outputs.insights);
    });
    // A read started after an event's 200 sees that event: it waits for the loader (read-your-acks).
    // Not while the store is unusable: the loader cannot move then, and the read itself fails at once with 503.
    const readBarrier = (projectId?: string, signal?: AbortSignal) => {
      if (!engine.health().ok) return Promise.resolve();
      if (cluster) return cluster.barrier.wait(signal);
      return logIngest ? logIngest.backlog.readBarrier(projectId, signal) : Promise.resolve();
    };
    const queries = new QueryRunner(
      engine,
      { ...queryLimitsFromEnv(process.env), ...options.queries },
      (id) => settings.keySettingsFor(id),
      readBarrier,
    );
    const { highWaterBytes, ...liveLimits } = options.live ?? {};
    const live = new LiveQueries(queries, { ...liveLimitsFromEnv(process.env), ...liveLimits });
    // On the shared log, the partition's owner announces events once it loaded them (cluster/).
    localCommitter?.onCommitted((rows, result) => notices.notifyWrites(committedEventWrites(rows, result)));
    committer.onBotsCounted((projectIds) => {
      for (const projectId of projectIds) notices.notifyWrite(projectId, ['bots']);
    });
    processor.onCommitted(({ writes }) => notices.notifyWrites(writes));
    notices.onWrite((projectId, sets) => live.invalidate(projectId, sets));
    // Loads the checkpoint and replays what was stored after it while the server starts listening.
    await processor.start();
    let shuttingDown = false;
    const ctx: ServerContext = {
      engine,
      projects,
      access,
      committer,
      geo,
      queries,
      interventions,
      exports: new ExportSlots({ ...exportLimitsFromEnv(process.env), ...options.exports }),
      settings,
      insightStatuses: new InsightStatuses(engine, notices),
      readBarrier,
      eventLog: logIngest
        ? { stats: () => logIngest!.log.stats(), lag: () => logIngest!.backlog.lag() }
        : undefined,
      cluster,
      isShuttingDown: () => shuttingDown,
      demo: config.demo,
    };
    const server = createHttpServer(ctx, connections);
    const liveServer = attachLiveServer(server, access, live, {
      ...(highWaterBytes ? { highWaterBytes } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let closing: Promise<void> | null = null;
    return {
      url: `http://${host}:${port}`,
      port,
      keys,
      engine,
      projects,
      processor,
      interventions,
      webhooks,
      live,
      queries,
      logIngest,
      close: () => {
        closing ??= (async () => {
          shuttingDown = true;
          interventions.closeAll();
          // Upgraded sockets keep server.close() waiting: end them first.
          liveServer.close();
          live.close();
          // Queries still running (HTTP ones included) are cancelled, so the engine closes at once.
          queries.close();
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          // Clients holding keep-alive connections get `connection: close` on their next answer;
          // any still open after the grace period are cut.
          const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          await closed;
          clearTimeout(force);
          await committer.drain();
          // What was acknowledged is loaded before the database closes, so an offline export (or
          // anything else opening the file) sees it; bounded like any read, the rest loads at the next start.
          await readBarrier().catch(() => undefined);
          // Events committed but not processed yet are replayed at the next start.
          await processor.stop();
          webhooks.stop();
          // The engine stops its loader first; the log closes after (what was not loaded is loaded at the next start).
          await engine.close();
          await logIngest?.close();
          await cluster?.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await startedProcessor?.stop().catch(() => undefined);
    await engine.close().catch(() => undefined);
    await logIngest?.close().catch(() => undefined);
    await cluster?.close().catch(() => undefined);
    throw error;
  }
}
