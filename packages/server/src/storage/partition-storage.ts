import type { EventLog, LogOffset } from '../log/event-log.js';
import type { RecordStorage, StorageEngine, StoredEvent } from './engine.js';

/** One partition's loader: moves the partition's log into the engine, exactly once (clickhouse/partition-loader.ts). */
export interface PartitionLoader {
  /** The log offset it goes on from. */
  readonly position: LogOffset;
  /**
   * Loads what the log holds now; resolves with the events inserted. Once `signal` aborts it starts
   * no further INSERT (a read that returns after the partition was let go stores nothing).
   */
  loadAvailable(signal?: AbortSignal): Promise<number>;
  /** Loads until `signal` aborts, waiting for the log to grow in between; a failed batch is tried again. */
  run(signal: AbortSignal, onError: (error: Error) => void): Promise<void>;
}

/** Where one partition's stream processor keeps its outputs, checkpoint and session state. */
export type PartitionProcessorStore = Pick<
  RecordStorage,
  'commitProcessorBatch' | 'saveProcessorState' | 'loadProcessorState'
>;

/**
 * What an engine several Sightline nodes share offers the node holding a partition of the NATS log
 * (cluster/): the partition's loader, and a processor store of its own, so the node that takes the
 * partition over resumes from what the previous owner stored.
 */
/** What a partition's loader tells as it goes. */
export interface PartitionLoaderListeners {
  /**
   * Each batch read from the log, before it is stored: every record as an event numbered
   * seq = `seqBase(partition)` + offset + 1, in offset order, offsets without a gap (the stream
   * processor takes them from here instead of reading the log a second time). `fresh[i]` is 0 for a
   * second copy of an event already in the partition (a retry past JetStream's duplicate window):
   * neither stored nor processed again.
   */
  onRead: (events: StoredEvent[], fresh: Uint8Array) => void;
  /** After each stored batch: which projects got events (live queries re-run). */
  onLoaded: (projectIds: ReadonlySet<string>) => void;
}

export interface PartitionStorage {
  openLoader(partition: number, log: EventLog, listeners: PartitionLoaderListeners): Promise<PartitionLoader>;
  processorStore(partition: number): PartitionProcessorStore;
  /** The seq before the partition's first event. */
  seqBase(partition: number): number;
}

/** The engine's partitions, when several nodes may share it over the NATS log (ClickHouse); else undefined. */
export function partitionStorageOf(engine: StorageEngine): PartitionStorage | undefined {
  return (engine as StorageEngine & { partitions?: PartitionStorage }).partitions;
}
