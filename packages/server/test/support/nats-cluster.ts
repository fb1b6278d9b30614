import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from './free-port.js';

export const NATS_BINARY = 'nats-server';
export const MISSING_NATS =
  "nats-server is not installed: run .ci/run (it installs Debian's nats-server with apt), or `apt-get install -y nats-server`";

export function natsInstalled(): boolean {
  return spawnSync('sh', ['-c', `command -v ${NATS_BINARY}`]).status === 0;
}

interface NatsNode {
  name: string;
  port: number;
  routePort: number;
  config: string;
  child: ChildProcess | null;
  output: string;
}

/** A JetStream cluster of nats-server processes on 127.0.0.1, each with its own store under one temp dir. */
export interface NatsCluster {
  /** Client URLs of every node (nats://127.0.0.1:port), whether running or not. */
  servers: string[];
  /** The same, node `index` first: how a Sightline node near that NATS node would list them. */
  serversFrom(index: number): string[];
  /** SIGTERM one node (its store stays): the others go on once they agree it is gone. */
  stopNode(index: number): Promise<void>;
  /** Starts a stopped node again over its store. */
  startNode(index: number): Promise<void>;
  /** Stops every node and removes the stores. */
  stop(): Promise<void>;
}

function nodeConfig(node: Omit<NatsNode, 'config' | 'child' | 'output'>, dir: string, routes: number[]) {
  const store = join(dir, node.name);
  mkdirSync(store, { recursive: true });
  const config = join(dir, `${node.name}.conf`);
  writeFileSync(
    config,
    `server_name: ${node.name}
listen: 127.0.0.1:${node.port}
max_payload: 4MB
jetstream { store_dir: "${store}", max_memory_store: 64MB, max_file_store: 2GB }
cluster {
  name: sightline_test
  listen: 127.0.0.1:${node.routePort}
  routes: [${routes.map((p) => `nats-route://127.0.0.1:${p}`).join(', ')}]
}
`,
  );
  return config;
}

function startProcess(node: NatsNode): void {
  node.output = '';
  const child = spawn(NATS_BINARY, ['-c', node.config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    node.output = (node.output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  node.child = child;
}

async function stopProcess(node: NatsNode): Promise<void> {
  const child = node.child;
  node.child = null;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Resolves once JetStream answers through `servers` (its meta leader is elected), within 30 s. */
async function waitForJetStream(servers: string[], nodes: NatsNode[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last: unknown;
  while (Date.now() < deadline) {
    for (const node of nodes)
      if (node.child && node.child.exitCode !== null)
        throw new Error(`${node.name} exited (${node.child.exitCode}):\n${node.output}`);
    try {
      const nc = await connect({ servers, timeout: 1000 });
      try {
        await (await jetstreamManager(nc, { timeout: 1000 })).getAccountInfo();
        return;
      } finally {
        await nc.close();
      }
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(
    `JetStream did not answer within 30 s (${(last as Error)?.message}):\n${nodes.map((n) => n.output).join('\n')}`,
  );
}

/** Starts `size` nats-server nodes as one JetStream cluster from Debian's package (never skipped: missing is an error). */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  if (!natsInstalled()) throw new Error(MISSING_NATS);
  const dir = mkdtempSync(join(tmpdir(), 'sightline-nats-'));
  const ports: Array<{ port: number; routePort: number }> = [];
  for (let i = 0; i < size; i++) ports.push({ port: await freePort(), routePort: await freePort() });
  const nodes: NatsNode[] = ports.map((p, i) => {
    const base = { name: `n${i + 1}`, ...p };
    const routes = ports.filter((_, j) => j !== i).map((other) => other.routePort);
    return { ...base, config: nodeConfig(base, dir, routes), child: null, output: '' };
  });
  const servers = nodes.map((n) => `nats://127.0.0.1:${n.port}`);
  for (const node of nodes) startProcess(node);
  try {
    await waitForJetStream(servers, nodes);
  } catch (error) {
    for (const node of nodes) await stopProcess(node);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    servers,
    serversFrom: (index) => [servers[index]!, ...servers.filter((_, i) => i !== index)],
    stopNode: (index) => stopProcess(nodes[index]!),
    startNode: async (index) => {
      startProcess(nodes[index]!);
      await waitForJetStream([servers[index]!], nodes);
    },
    stop: async () => {
      for (const node of nodes) await stopProcess(node);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A cluster for the test file: started before its tests, stopped after them, with whatever the
 * tests handed to `closeAfter` (logs, connections) closed first.
 */
export function useNatsCluster(size = 3): {
  cluster: () => NatsCluster;
  closeAfter: (close: () => Promise<unknown>) => void;
} {
  let cluster: NatsCluster | undefined;
  const closers: Array<() => Promise<unknown>> = [];
  beforeAll(async () => {
    cluster = await startNatsCluster(size);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    await cluster?.stop();
  });
  return {
    cluster: () => {
      if (!cluster) throw new Error('the NATS cluster is not started yet (use it inside a test)');
      return cluster;
    },
    closeAfter: (close) => closers.push(close),
  };
}
