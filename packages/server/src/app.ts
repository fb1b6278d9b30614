import type { AddressInfo } from 'node:net';
import type { SightlineConfig } from './config.js';
import type { ServerContext } from './http/context.js';
import { createHttpServer } from './http/server.js';
import { DEFAULT_GROUP_COMMIT, type GroupCommitOptions, GroupCommitter } from './ingest/group-commit.js';
import { attachLiveServer, DEFAULT_LIVE_INTERVAL_MS, LiveQueries } from './live/index.js';
import { InterventionHub } from './processor/intervention-hub.js';
import { DEFAULT_HOLDOUT_PERCENT } from './processor/intervention-rules.js';
import { type ProcessorOptions, StreamProcessor } from './processor/processor.js';
import { ProjectSettings } from './processor/project-settings.js';
import { RecentEvents } from './processor/recent-events.js';
import { WebhookDispatcher } from './processor/webhooks.js';
import { ensureDefaultProject, type ProjectKeys } from './projects/default-project.js';
import { ProjectDirectory } from './projects/directory.js';
import type { StorageEngine } from './storage/engine.js';
import { openEngine } from './storage/open-engine.js';

const SHUTDOWN_GRACE_MS = 5_000;

export interface RunningSightline {
  url: string;
  port: number;
  keys: ProjectKeys;
  engine: StorageEngine;
  projects: ProjectDirectory;
  /** The stream processor (journeys, insights, interventions); `drain()` waits until it caught up. */
  processor: StreamProcessor;
  interventions: InterventionHub;
  webhooks: WebhookDispatcher;
  /** Live queries of `GET /v1/live` (shared computations; `executions` counts runs). */
  live: LiveQueries;
  /** Stop accepting, finish in-flight requests, commit what is queued, close the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  groupCommit?: Partial<GroupCommitOptions>;
  processor?: Partial<ProcessorOptions>;
  /** Live queries: minimum ms between two runs of one subscription; bytes a slow client may buffer. */
  live?: { intervalMs?: number; highWaterBytes?: number };
}

/** The composition root: opens the engine, wires ingest, queries and HTTP, and listens. */
export async function startSightline(
  config: SightlineConfig,
  options: StartOptions = {},
): Promise<RunningSightline> {
  const engine = await openEngine(config);
  let startedProcessor: StreamProcessor | undefined;
  try {
    const keys = await ensureDefaultProject(engine, config.dataDir, {
      ...(config.publicKey ? { publicKey: config.publicKey } : {}),
      ...(config.secretKey ? { secretKey: config.secretKey } : {}),
    });
    const projects = new ProjectDirectory(engine);
    await projects.reload();
    const committer = new GroupCommitter(engine, { ...DEFAULT_GROUP_COMMIT, ...options.groupCommit });
    const settings = await ProjectSettings.load(engine);
    const recent = new RecentEvents();
    const processor = new StreamProcessor(
      engine,
      (projectId) => settings.rulesFor(projectId),
      { holdoutPercent: config.holdoutPercent ?? DEFAULT_HOLDOUT_PERCENT, ...options.processor },
      recent,
    );
    startedProcessor = processor;
    const interventions = new InterventionHub(engine);
    const webhooks = new WebhookDispatcher((projectId) => settings.webhookFor(projectId));
    processor.onCommitted((outputs) => {
      interventions.deliver(outputs.interventions);
      webhooks.enqueue(outputs.insights);
    });
    committer.onCommitted((rows, result) => {
      recent.add(rows, result);
      processor.notify();
    });
    const live = new LiveQueries(engine, {
      intervalMs: options.live?.intervalMs ?? DEFAULT_LIVE_INTERVAL_MS,
    });
    committer.onCommitted(() => live.invalidate('events'));
    processor.onCommitted(() => live.invalidate('processor'));
    // Loads the checkpoint and replays what was stored after it while the server starts listening.
    await processor.start();
    let shuttingDown = false;
    const ctx: ServerContext = {
      engine,
      projects,
      committer,
      interventions,
      settings,
      processorDataChanged: () => live.invalidate('processor'),
      isShuttingDown: () => shuttingDown,
    };
    const server = createHttpServer(ctx);
    const liveServer = attachLiveServer(server, projects, live, {
      ...(options.live?.highWaterBytes ? { highWaterBytes: options.live.highWaterBytes } : {}),
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
      close: () => {
        closing ??= (async () => {
          shuttingDown = true;
          interventions.closeAll();
          // Upgraded sockets keep server.close() waiting: end them first.
          liveServer.close();
          live.close();
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          // Clients holding keep-alive connections get `connection: close` on their next answer;
          // any still open after the grace period are cut.
          const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          await closed;
          clearTimeout(force);
          await committer.drain();
          // Events committed but not processed yet are replayed at the next start.
          await processor.stop();
          webhooks.stop();
          await engine.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await startedProcessor?.stop().catch(() => undefined);
    await engine.close().catch(() => undefined);
    throw error;
  }
}
