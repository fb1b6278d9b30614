/**
 * Sightline nodes for the cluster bench (bench/cluster.ts): `sightline start --engine clickhouse
 * --log nats` children on 127.0.0.1 sharing the bench's ClickHouse (a fresh database per group)
 * and a 3-node nats-server cluster (packages/server/test/support/nats-cluster.ts), each group
 * under a JetStream prefix of its own. Stopping a group stops its nodes, then deletes its streams
 * and buckets and drops its database, so one run's leftovers do not load the next.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { jetstreamManager } from '@nats-io/jetstream';
import { type KV, Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type SightlineProcess, startSightline } from '../../e2e/support/sightline.js';
import type { NatsCluster } from '../../packages/server/test/support/nats-cluster.js';
import { clickhouseServerEnv } from './clickhouse.js';

export interface ClusterGroup {
  nodes: SightlineProcess[];
  prefix: string;
  partitions: number;
  /** Partition → `node-<id>` of its lease holder now (partitions without one are absent). */
  owners(): Promise<Map<number, string>>;
  stop(): Promise<void>;
}

export interface GroupOptions {
  nodes: number;
  partitions: number;
  leaseMs: number;
  env?: Record<string, string>;
}

/** How long a node may take to exit after SIGTERM before it is killed. */
const STOP_MS = 60_000;

/** Every node stopped so far: SIGTERM → exit, ms, and whether it had to be killed. */
export const nodeStops: Array<{ ms: number; killed: boolean }> = [];

async function stopNode(node: SightlineProcess): Promise<void> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_MS);
  });
  const killed = (await Promise.race([node.stop(), late])) === 'late';
  clearTimeout(timer);
  if (killed) {
    process.stderr.write(`  node on ${node.url} did not exit ${STOP_MS / 1000} s after SIGTERM: killed\n`);
    await node.kill();
  }
  nodeStops.push({ ms: performance.now() - started, killed });
  rmSync(node.dataDir, { recursive: true, force: true });
}

async function ownersOf(kv: KV): Promise<Map<number, string>> {
  const owners = new Map<number, string>();
  for await (const key of await kv.keys('partition.*')) {
    const entry = await kv.get(key);
    if (entry && entry.operation === 'PUT') owners.set(Number(key.split('.')[1]), entry.string());
  }
  return owners;
}

/** Until every partition is held and each node holds its share (ceil(partitions / nodes)). */
async function waitForLeases(kv: KV, options: GroupOptions): Promise<void> {
  const share = Math.ceil(options.partitions / options.nodes);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const owners = await ownersOf(kv).catch(() => new Map<number, string>());
    const held = new Map<string, number>();
    for (const owner of owners.values()) held.set(owner, (held.get(owner) ?? 0) + 1);
    const balanced = held.size === options.nodes && [...held.values()].every((n) => n <= share);
    if (owners.size === options.partitions && balanced) return;
    if (Date.now() > deadline)
      throw new Error(`leases not balanced after 60 s: ${JSON.stringify(Object.fromEntries(held))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function dropJetStream(nc: NatsConnection, prefix: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const names: string[] = [];
  for await (const name of jsm.streams.names()) names.push(name);
  for (const name of names)
    if (name.startsWith(`${prefix}-`) || name.startsWith(`KV_${prefix}-`)) await jsm.streams.delete(name);
}

/** Starts the nodes one after another (node i lists NATS node i mod 3 first) and waits for balanced leases. */
export async function startClusterGroup(nats: NatsCluster, options: GroupOptions): Promise<ClusterGroup> {
  const clickhouse = await clickhouseServerEnv();
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const keys = { publicKey: `sl_pub_${prefix}`, secretKey: `sl_sec_${prefix}` };
  const nc = await connect({ servers: nats.servers });
  const nodes: SightlineProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map(stopNode));
    await dropJetStream(nc, prefix).catch((e: Error) =>
      process.stderr.write(`  JetStream cleanup: ${e.message}\n`),
    );
    await nc.close();
    const database = clickhouse['SIGHTLINE_CLICKHOUSE_DATABASE'];
    await fetch(
      `${clickhouse['SIGHTLINE_CLICKHOUSE_URL']}/?query=DROP%20DATABASE%20IF%20EXISTS%20${database}`,
      {
        method: 'POST',
      },
    ).catch(() => undefined);
  };
  try {
    for (let id = 0; id < options.nodes; id++) {
      nodes.push(
        await startSightline({
          ...keys,
          env: {
            ...clickhouse,
            SIGHTLINE_LOG: 'nats',
            SIGHTLINE_NATS_URL: nats.serversFrom(id % nats.servers.length).join(','),
            SIGHTLINE_LOG_PARTITIONS: String(options.partitions),
            SIGHTLINE_LOG_REPLICAS: '3',
            SIGHTLINE_LOG_STREAM: prefix,
            SIGHTLINE_LEASE_MS: String(options.leaseMs),
            SIGHTLINE_NODE_ID: String(id),
            ...options.env,
          },
        }),
      );
    }
    const kv = await new Kvm(nc).open(`${prefix}-leases`);
    await waitForLeases(kv, options);
    return { nodes, prefix, partitions: options.partitions, owners: () => ownersOf(kv), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
