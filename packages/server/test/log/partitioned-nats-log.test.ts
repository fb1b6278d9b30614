import { describe, expect, it } from 'vitest';
import { type KeyedRecord, PartitionedNatsLog, partitionOf } from '../../src/log/nats/partitioned-log.js';
import { useNatsCluster } from '../support/nats-cluster.js';
import { readAllRecords } from '../support/read-log.js';

const PARTITIONS = 4;

describe('partitioned NATS event log', () => {
  const { cluster, closeAfter } = useNatsCluster(3);

  /** A node's view of the log: its own connection, first trying node `prefer` of the cluster. */
  async function node(prefix: string, prefer: number): Promise<PartitionedNatsLog> {
    const log = await PartitionedNatsLog.open({
      servers: cluster().serversFrom(prefer),
      prefix,
      partitions: PARTITIONS,
      replicas: 3,
      maxRecordBytes: 1 << 20,
    });
    closeAfter(() => log.close());
    return log;
  }

  const event = (session: number, i: number): KeyedRecord => ({
    id: `p1:s${session}-e${i}`,
    projectId: 'p1',
    sessionId: session < 0 ? '' : `s${session}`,
    data: JSON.stringify({ session, i }),
  });

  it("keeps each session's events in one partition, in the order sent, whichever node sent them", async () => {
    const [a, b] = [await node('sessions', 0), await node('sessions', 1)];
    // 20 sessions, 10 events each, sent alternately through two nodes in batches that mix sessions.
    for (let i = 0; i < 10; i++) {
      const batch = Array.from({ length: 20 }, (_, s) => event(s, i));
      await (i % 2 === 0 ? a : b).append(batch);
    }
    const seen = new Map<string, { partition: number; order: number[] }>();
    for (let p = 0; p < PARTITIONS; p++)
      for (const record of await readAllRecords(a.partitions[p]!)) {
        const { session, i } = JSON.parse(record.data.toString()) as { session: number; i: number };
        const entry = seen.get(`s${session}`) ?? { partition: p, order: [] };
        expect(entry.partition).toBe(p);
        entry.order.push(i);
        seen.set(`s${session}`, entry);
      }
    expect(seen.size).toBe(20);
    for (const { order } of seen.values()) expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set([...seen.values()].map((e) => e.partition)).size).toBeGreaterThanOrEqual(3);
    expect(partitionOf(event(3, 0), PARTITIONS)).toBe(seen.get('s3')!.partition);
  });

  it('stores a mixed batch retried through another node once, and spreads events without a session', async () => {
    const [a, b] = [await node('retries', 0), await node('retries', 2)];
    const batch = [
      ...Array.from({ length: 30 }, (_, s) => event(s, 0)),
      ...Array.from({ length: 40 }, (_, i) => event(-1, i)),
    ];
    const first = await a.append(batch);
    expect(first.duplicates).toBe(0);
    const retry = await b.append(batch);
    expect(retry.duplicates).toBe(batch.length);
    expect(retry.parts).toEqual(
      first.parts.map((part) => ({
        ...part,
        result: { ...part.result, duplicates: part.result.last - part.result.first + 1 },
      })),
    );
    let stored = 0;
    const sessionless = new Set<number>();
    for (let p = 0; p < PARTITIONS; p++)
      for (const record of await readAllRecords(b.partitions[p]!)) {
        stored++;
        if ((JSON.parse(record.data.toString()) as { session: number }).session < 0) sessionless.add(p);
      }
    expect(stored).toBe(batch.length);
    expect(sessionless.size).toBe(PARTITIONS);
  });
});
