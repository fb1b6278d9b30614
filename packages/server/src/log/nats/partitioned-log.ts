import type { NatsConnection } from '@nats-io/transport-node';
import { fingerprint } from '../../storage/event-dedupe.js';
import type { AppendResult } from '../event-log.js';
import { connectToNats, NatsEventLog, type NatsEventLogOptions } from './nats-event-log.js';

/** A record with what routes it: its session's partition, and its id (the duplicate check). */
export interface KeyedRecord {
  data: Buffer | string;
  /** Idempotency key: project and uuid. */
  id: string;
  projectId: string;
  /** '' when the event has no session. */
  sessionId: string;
}

/**
 * The partition of a record: every event of a (project, session) goes to one partition, so one
 * processor sees all of them, in order, whichever node captured them. Events without a session
 * (no journey, no detector needs them together) spread by their id.
 */
export function partitionOf(record: Omit<KeyedRecord, 'data'>, partitions: number): number {
  const [hi] = fingerprint(
    record.projectId,
    record.sessionId === '' ? `\u0000${record.id}` : record.sessionId,
  );
  return hi % partitions;
}

export interface PartitionedAppend {
  /** Each partition's share of the append, in partition order. */
  parts: Array<{ partition: number; result: AppendResult }>;
  /** Records already in the log under the same id (a retry), stored once. */
  duplicates: number;
}

export type PartitionedNatsLogOptions = Omit<NatsEventLogOptions, 'stream' | 'connection'> & {
  /** Streams are `<prefix>-p<k>`. */
  prefix: string;
  partitions: number;
};

/**
 * The event log as several JetStream streams, one per partition, over one connection. An append
 * is acknowledged once every partition it touched acknowledged its share; a rejected one may have
 * stored some shares, which a retry with the same ids finds as duplicates.
 */
export class PartitionedNatsLog {
  private constructor(
    /** The connection the partitions share (cluster messages and leases use it too). */
    readonly connection: NatsConnection,
    readonly partitions: readonly NatsEventLog[],
  ) {}

  static async open(options: PartitionedNatsLogOptions): Promise<PartitionedNatsLog> {
    const nc = await connectToNats(options.servers);
    const logs: NatsEventLog[] = [];
    try {
      for (let p = 0; p < options.partitions; p++)
        logs.push(await NatsEventLog.open({ ...options, stream: `${options.prefix}-p${p}`, connection: nc }));
    } catch (error) {
      for (const log of logs) await log.close();
      await nc.close();
      throw error;
    }
    return new PartitionedNatsLog(nc, logs);
  }

  async append(records: readonly KeyedRecord[]): Promise<PartitionedAppend> {
    const shares = new Map<number, KeyedRecord[]>();
    for (const record of records) {
      const p = partitionOf(record, this.partitions.length);
      const share = shares.get(p);
      if (share) share.push(record);
      else shares.set(p, [record]);
    }
    const order = [...shares.keys()].sort((a, b) => a - b);
    const results = await Promise.all(
      order.map((p) => {
        const share = shares.get(p)!;
        return this.partitions[p]!.append(share.map((r) => r.data) as Buffer[] | string[], {
          ids: share.map((r) => r.id),
        });
      }),
    );
    return {
      parts: order.map((partition, i) => ({ partition, result: results[i]! })),
      duplicates: results.reduce((n, r) => n + (r.duplicates ?? 0), 0),
    };
  }

  async close(): Promise<void> {
    for (const log of this.partitions) await log.close();
    await this.connection.close();
  }
}
