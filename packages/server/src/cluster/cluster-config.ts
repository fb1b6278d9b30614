import { positiveIntegerFromEnv } from '../env.js';
import { MAX_NODES } from '../storage/clickhouse/event-writer.js';
import { MAX_PARTITIONS } from '../storage/clickhouse/partition-loader.js';

/**
 * `--log nats`: capture acknowledges on NATS JetStream, shared by every Sightline node in front of
 * one ClickHouse; each partition of the log is loaded and processed by the node holding its lease
 * (docs/SCALING.md).
 */
export interface ClusterConfig {
  /** nats://host:port of the NATS nodes (any one is enough to connect; all give fail-over). */
  natsServers: string[];
  /** Partitions of the log: the most nodes that can share loading and processing. Fixed once chosen. */
  partitions: number;
  /** Copies JetStream keeps of each event (3 in a 3-node NATS cluster: one NATS node may fail). */
  replicas: number;
  /** A dead node's partitions wait this long before another node takes them. */
  leaseMs: number;
  /** JetStream names start with this (streams `<prefix>-p<k>`, buckets `<prefix>-…`). */
  prefix: string;
  /** This node's id (also its ClickHouse node id): unique among the nodes. */
  nodeId: number;
}

export interface ClusterFlags {
  log?: string;
  natsUrl?: string;
  logPartitions?: string;
  logReplicas?: string;
  nodeId?: string;
}

export const DEFAULT_PARTITIONS = 16;
export const DEFAULT_REPLICAS = 3;
export const DEFAULT_LEASE_MS = 6_000;

/** The cluster settings of `--log nats` (flags win over SIGHTLINE_* env); undefined for the file log. */
export function clusterConfig(
  flags: ClusterFlags,
  env: NodeJS.ProcessEnv,
  engine: string,
): ClusterConfig | undefined {
  const log = flags.log ?? env['SIGHTLINE_LOG'] ?? 'file';
  if (log === 'file') return undefined;
  if (log !== 'nats') throw new Error(`unknown event log "${log}"; this build has: file, nats`);
  if (engine !== 'clickhouse')
    throw new Error('--log nats needs --engine clickhouse (the nodes share one ClickHouse)');
  const urls = (flags.natsUrl ?? env['SIGHTLINE_NATS_URL'] ?? '').split(',').map((u) => u.trim());
  const natsServers = urls.filter((u) => u !== '');
  if (natsServers.length === 0) throw new Error('--log nats needs --nats-url (or SIGHTLINE_NATS_URL)');
  const partitions = integer(flags.logPartitions, env, 'SIGHTLINE_LOG_PARTITIONS') ?? DEFAULT_PARTITIONS;
  if (partitions > MAX_PARTITIONS)
    throw new Error(`SIGHTLINE_LOG_PARTITIONS must be 1-${MAX_PARTITIONS}, got ${partitions}`);
  const replicas = integer(flags.logReplicas, env, 'SIGHTLINE_LOG_REPLICAS') ?? DEFAULT_REPLICAS;
  if (replicas > 5)
    throw new Error(`SIGHTLINE_LOG_REPLICAS must be 1-5 (JetStream's limit), got ${replicas}`);
  const nodeText = flags.nodeId ?? env['SIGHTLINE_NODE_ID'];
  if (nodeText === undefined || nodeText === '')
    throw new Error('--log nats needs --node-id (or SIGHTLINE_NODE_ID), unique among the nodes');
  const nodeId = Number(nodeText);
  // Partitions number their events and processor state from the top of the node ids down.
  const highest = MAX_NODES - MAX_PARTITIONS - 1;
  if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > highest)
    throw new Error(`SIGHTLINE_NODE_ID must be 0-${highest} with --log nats, got "${nodeText}"`);
  const prefix = env['SIGHTLINE_LOG_STREAM'] || 'sightline';
  if (!/^[-_a-zA-Z0-9]+$/.test(prefix))
    throw new Error(`SIGHTLINE_LOG_STREAM may hold letters, digits, - and _, got "${prefix}"`);
  return {
    natsServers,
    partitions,
    replicas,
    leaseMs: positiveIntegerFromEnv(env, 'SIGHTLINE_LEASE_MS') ?? DEFAULT_LEASE_MS,
    prefix,
    nodeId,
  };
}

function integer(flag: string | undefined, env: NodeJS.ProcessEnv, name: string): number | undefined {
  return flag === undefined
    ? positiveIntegerFromEnv(env, name)
    : positiveIntegerFromEnv({ [name]: flag }, name);
}
