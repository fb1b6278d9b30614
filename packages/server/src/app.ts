import type { AddressInfo } from 'node:net';
import type { SightlineConfig } from './config.js';
import type { ServerContext } from './http/context.js';
import { createHttpServer } from './http/server.js';
import { DEFAULT_GROUP_COMMIT, type GroupCommitOptions, GroupCommitter } from './ingest/group-commit.js';
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
  /** Stop accepting, finish in-flight requests, commit what is queued, close the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  groupCommit?: Partial<GroupCommitOptions>;
}

/** The composition root: opens the engine, wires ingest, queries and HTTP, and listens. */
export async function startSightline(
  config: SightlineConfig,
  options: StartOptions = {},
): Promise<RunningSightline> {
  const engine = await openEngine(config);
  try {
    const keys = await ensureDefaultProject(engine, config.dataDir, {
      ...(config.publicKey ? { publicKey: config.publicKey } : {}),
      ...(config.secretKey ? { secretKey: config.secretKey } : {}),
    });
    const projects = new ProjectDirectory(engine);
    await projects.reload();
    const committer = new GroupCommitter(engine, { ...DEFAULT_GROUP_COMMIT, ...options.groupCommit });
    let shuttingDown = false;
    const ctx: ServerContext = { engine, projects, committer, isShuttingDown: () => shuttingDown };
    const server = createHttpServer(ctx);
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
      close: () => {
        closing ??= (async () => {
          shuttingDown = true;
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          // Clients holding keep-alive connections get `connection: close` on their next answer;
          // any still open after the grace period are cut.
          const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
          await closed;
          clearTimeout(force);
          await committer.drain();
          await engine.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
}
