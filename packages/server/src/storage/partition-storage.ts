import type { EventLog, LogOffset } from '../log/event-log.js';
import type { RecordStorage } from './engine.js';

/** One partition's loader: moves the partition's log into the engine, exactly once (clickhouse/partition-loader.ts). */
export interface PartitionLoader {
  /** The log offset it goes on from. */
  readonly position: LogOffset;
  /** Loads what the log holds now; resolves with the events inserted. */
  loadAvailable(): Promise<number>;
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
export interface PartitionStorage {
  /**
   * `onLoaded` hears, after each stored batch, which projects got events (live queries re-run).
   * Events are numbered seq = `seqBase(partition)` + log offset + 1.
   */
  openLoader(
    partition: number,
    log: EventLog,
    onLoaded: (projectIds: ReadonlySet<string>) => void,
  ): Promise<PartitionLoader>;
  processorStore(partition: number): PartitionProcessorStore;
  /** The seq before the partition's first event. */
  seqBase(partition: number): number;
}
