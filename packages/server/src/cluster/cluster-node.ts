import { Kvm } from '@nats-io/kv';
import { LIMITS } from '@sightline/schema';
import type { InterventionHub } from '../delivery/intervention-hub.js';
import type { WriteNotices } from '../live/write-notices.js';
import type { BacklogOptions } from '../log/log-backlog.js';
import { PartitionedNatsLog } from '../log/nats/partitioned-log.js';
import type { ProcessorOptions } from '../processor/processor.js';
import type { ProjectSettings } from '../processor/project-settings.js';
import type { ProcessorControl } from '../processor/worker/processor-host.js';
import type { StorageEngine } from '../storage/engine.js';
import { type PartitionStorage, partitionStorageOf } from '../storage/partition-storage.js';
import { ClusterBus } from './cluster-bus.js';
import type { ClusterConfig } from './cluster-config.js';
import { ClusterReadBarrier } from './cluster-read-barrier.js';
import { LoaderBacklog } from './loader-backlog.js';
import { NatsCommitter } from './nats-committer.js';
import { OwnedPartitions } from './owned-partitions.js';
import { PartitionLeases } from './partition-leases.js';

/** A record holds one event (at most LIMITS.maxEventBytes) and its stored columns: twice that is ample. */
const MAX_RECORD_BYTES = 2 * LIMITS.maxEventBytes;

/** What the server runs with once the node's settings, interventions and notices exist (app.ts). */
export interface ClusterServices {
  settings: ProjectSettings;
  notices: WriteNotices;
  interventions: InterventionHub;
  processor: Partial<ProcessorOptions>;
}

/**
 * One Sightline node of several sharing the event log on NATS JetStream and one ClickHouse
 * (docs/SCALING.md): capture goes to the shared log (nats-committer.ts), reads wait for what any
 * node acknowledged (cluster-read-barrier.ts), the partitions whose leases it holds are loaded and
 * processed here (owned-partitions.ts), and writes and interventions are announced to the other
 * nodes (cluster-bus.ts).
 */
/** What /healthz says of a cluster node. */
export interface ClusterHealth {
  node_id: number;
  partitions: number;
  /** The partitions loaded and processed on this node now. */
  owned_partitions: number[];
  /** Of the owned partitions: events in the log not loaded yet, and not processed yet. */
  loader_lag_events: number;
  processor_lag_events: number;
  /** Events this node appended to the log since it started. */
  appended_events: number;
  /** The most events one partition holds that its loader (on whichever node) has not stored. */
  worst_partition_unloaded_events: number;
}

export class ClusterNode {
  private bus: ClusterBus | null = null;
  private owned: OwnedPartitions | null = null;

  private constructor(
    private readonly engine: StorageEngine,
    private readonly storage: PartitionStorage,
    private readonly config: ClusterConfig,
    readonly log: PartitionedNatsLog,
    private readonly behind: LoaderBacklog,
    readonly committer: NatsCommitter,
    readonly barrier: ClusterReadBarrier,
  ) {}

  static async open(
    engine: StorageEngine,
    config: ClusterConfig,
    backlog: Pick<BacklogOptions, 'readWaitMs' | 'maxBehindEvents'>,
  ): Promise<ClusterNode> {
    const storage = partitionStorageOf(engine);
    if (!storage) throw new Error(`the ${engine.name} engine cannot load a shared event log`);
    const log = await PartitionedNatsLog.open({
      servers: config.natsServers,
      prefix: config.prefix,
      partitions: config.partitions,
      replicas: config.replicas,
      maxRecordBytes: MAX_RECORD_BYTES,
    });
    try {
      await agreeOnPartitions(log, config);
    } catch (error) {
      await log.close();
      throw error;
    }
    const behind = new LoaderBacklog(log.partitions, backlog.maxBehindEvents);
    return new ClusterNode(
      engine,
      storage,
      config,
      log,
      behind,
      new NatsCommitter(log, engine, () => behind.assertRoom()),
      new ClusterReadBarrier(log.partitions, backlog.readWaitMs),
    );
  }

  /**
   * The node's share of loading and processing, as the server's stream processor: `start` takes
   * this node's share of the partitions' leases, `stop` gives them back (the other nodes take them
   * over at once) after committing what was processed.
   */
  processing(services: ClusterServices): ProcessorControl {
    const owned = new OwnedPartitions(
      this.log.partitions,
      {
        storage: this.storage,
        health: () => this.engine.health(),
        rulesFor: (projectId) => services.settings.rulesFor(projectId),
        processor: services.processor,
        onLoaded: (projectIds) => {
          for (const projectId of projectIds) services.notices.notifyWrite(projectId, ['events']);
        },
      },
      this.config.leaseMs,
    );
    const bus = new ClusterBus(this.log.connection, `${this.config.prefix}.announce`, this.config.nodeId, {
      notices: services.notices,
      deliver: (interventions) => services.interventions.deliver(interventions),
      settingsChanged: () =>
        void services.settings
          .reload()
          .catch((error: unknown) =>
            console.error('[sightline] settings not reloaded:', (error as Error).message),
          ),
    });
    this.bus = bus;
    this.owned = owned;
    owned.onCommitted((outputs) => bus.interventionsCommitted(outputs.interventions));
    let leases: PartitionLeases | null = null;
    const config = this.config;
    const connection = this.log.connection;
    return {
      lastSeq: 0,
      replayFrom: 0,
      async start() {
        const kv = await new Kvm(connection).create(`${config.prefix}-leases`, {
          ttl: config.leaseMs,
          replicas: config.replicas,
          history: 1,
        });
        leases = new PartitionLeases(kv, {
          nodeId: `node-${config.nodeId}`,
          partitions: config.partitions,
          leaseMs: config.leaseMs,
          onAcquired: (p, handedBack) => owned.acquired(p, handedBack),
          onReleased: (p) => owned.released(p),
        });
        await leases.start();
      },
      drain: () => owned.drain(),
      async stop() {
        await leases?.stop();
        await owned.stop();
      },
      onCommitted: (listener) => owned.onCommitted(listener),
    };
  }

  health(): ClusterHealth {
    const lag = this.owned?.lag() ?? [];
    return {
      node_id: this.config.nodeId,
      partitions: this.config.partitions,
      owned_partitions: lag.map((l) => l.partition),
      loader_lag_events: lag.reduce((n, l) => n + l.loader, 0),
      processor_lag_events: lag.reduce((n, l) => n + l.processor, 0),
      appended_events: this.log.partitions.reduce((n, p) => n + p.stats().records, 0),
      worst_partition_unloaded_events: this.behind.worstBehind,
    };
  }

  async close(): Promise<void> {
    this.behind.stop();
    await this.bus?.close();
    await this.log.close();
  }
}

/** Every node must split the log alike: the first to start records the partition count, the rest must match it. */
async function agreeOnPartitions(log: PartitionedNatsLog, config: ClusterConfig): Promise<void> {
  const kv = await new Kvm(log.connection).create(`${config.prefix}-cluster`, {
    replicas: config.replicas,
  });
  try {
    await kv.create('partitions', String(config.partitions));
    return;
  } catch {
    // Already recorded by the first node.
  }
  // A replica that has not caught up may not have it yet: ask again for a moment.
  let recorded = Number.NaN;
  for (let attempt = 0; attempt < 20 && Number.isNaN(recorded); attempt++) {
    const entry = await kv.get('partitions').catch(() => null);
    if (entry?.operation === 'PUT') recorded = Number(entry.string());
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (recorded !== config.partitions)
    throw new Error(
      `the event log on NATS has ${recorded} partitions; this node was started with ${config.partitions} (SIGHTLINE_LOG_PARTITIONS must be the same on every node)`,
    );
}
