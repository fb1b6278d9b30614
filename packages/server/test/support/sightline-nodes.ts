import { randomUUID } from 'node:crypto';
import { afterEach } from 'vitest';
import { type SightlineProcess, startSightline } from '../../../../e2e/support/sightline.js';
import { clickhouseUrl } from './engines.js';
import type { NatsCluster } from './nats-cluster.js';

/**
 * Node groups on a test file's NATS cluster, each stopped after its test: `group(n)` starts `n`
 * nodes and resolves once each loads and processes an equal share of the partitions.
 */
export function useNodeGroups(
  nats: () => NatsCluster,
  options: Omit<NodeGroupOptions, 'nats'> & { partitions: number },
): (nodes: number) => Promise<SightlineNodes> {
  const groups: SightlineNodes[] = [];
  afterEach(async () => {
    for (const group of groups.splice(0)) await group.stopAll();
  });
  return async (nodes) => {
    const group = new SightlineNodes({ ...options, nats: nats() });
    groups.push(group);
    for (let id = 0; id < nodes; id++) await group.start(id);
    await sharedEvenly(group, options.partitions);
    return group;
  };
}

export interface NodeGroupOptions {
  nats: NatsCluster;
  partitions?: number;
  leaseMs?: number;
  /** Extra environment for every node. */
  env?: Record<string, string>;
}

/**
 * Sightline nodes (`sightline start` child processes) sharing one ClickHouse database and one event
 * log on the test's NATS cluster, each under its own JetStream names, so groups never see each other.
 */
export class SightlineNodes {
  readonly nodes: SightlineProcess[] = [];
  readonly database = `nodes_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  readonly prefix = `sl-${randomUUID().slice(0, 8)}`;
  readonly publicKey = `sl_pub_nodes_${randomUUID().slice(0, 8)}`;
  readonly secretKey = `sl_sec_nodes_${randomUUID().slice(0, 8)}`;

  constructor(private readonly options: NodeGroupOptions) {}

  /** Starts node `nodeId`, its NATS servers listed from NATS node `nodeId % 3` on. */
  async start(nodeId: number): Promise<SightlineProcess> {
    const node = await startSightline({
      publicKey: this.publicKey,
      secretKey: this.secretKey,
      env: {
        SIGHTLINE_ENGINE: 'clickhouse',
        SIGHTLINE_CLICKHOUSE_URL: clickhouseUrl(),
        SIGHTLINE_CLICKHOUSE_DATABASE: this.database,
        SIGHTLINE_LOG: 'nats',
        SIGHTLINE_NATS_URL: this.options.nats
          .serversFrom(nodeId % this.options.nats.servers.length)
          .join(','),
        SIGHTLINE_LOG_PARTITIONS: String(this.options.partitions ?? 4),
        SIGHTLINE_LOG_REPLICAS: '3',
        SIGHTLINE_LOG_STREAM: this.prefix,
        SIGHTLINE_LEASE_MS: String(this.options.leaseMs ?? 3_000),
        SIGHTLINE_NODE_ID: String(nodeId),
        ...this.options.env,
      },
    });
    this.nodes.push(node);
    return node;
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.stop()));
  }
}

/** Runs a dashboard query (`POST /v1/query/<name>`) with the secret key; throws with the body when not 200. */
export async function query<T>(
  node: SightlineProcess,
  name: string,
  args: Record<string, unknown>,
): Promise<T> {
  const res = await fetch(`${node.url}/v1/query/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${node.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`query ${name} answered ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export interface SendOptions {
  /**
   * Send `sent_at` (default true). Without it, a request the server takes up more than a second
   * after it was sent keeps its timestamps (clock-skew correction would move them by the delay),
   * so a replay of the same events is the same events.
   */
  sentAt?: boolean;
  /** Give up after this long. */
  timeoutMs?: number;
}

/** POSTs a PostHog-style batch with the public key; resolves with the status and body. */
export async function sendBatch(
  node: SightlineProcess,
  events: readonly object[],
  options: SendOptions = {},
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${node.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      api_key: node.publicKey,
      ...(options.sentAt === false ? {} : { sent_at: Date.now() }),
      batch: events,
    }),
    ...(options.timeoutMs ? { signal: AbortSignal.timeout(options.timeoutMs) } : {}),
  });
  return { status: res.status, body: await res.text() };
}

/** The partitions a node loads and processes now, as its `/healthz` says. */
export async function ownedPartitions(node: SightlineProcess): Promise<number[]> {
  const res = await fetch(`${node.url}/healthz`);
  const health = (await res.json()) as { cluster?: { owned_partitions: number[] } };
  if (!health.cluster) throw new Error(`/healthz answered ${res.status} without its cluster part`);
  return health.cluster.owned_partitions;
}

/** Resolves once every node of the group loads and processes an equal share of the partitions. */
export async function sharedEvenly(group: SightlineNodes, partitions: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let owned: number[][] = [];
  while (Date.now() < deadline) {
    owned = await Promise.all(group.nodes.map(ownedPartitions));
    const all = owned.flat().sort((a, b) => a - b);
    if (
      owned.every((mine) => mine.length === partitions / group.nodes.length) &&
      all.length === partitions &&
      all.every((p, i) => p === i)
    )
      return owned;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the partitions are not shared evenly after ${timeoutMs} ms: ${JSON.stringify(owned)}`);
}
