import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { LogClosedError } from '../../src/log/errors.js';
import type { EventLog } from '../../src/log/event-log.js';
import { NatsEventLog } from '../../src/log/nats/nats-event-log.js';
import { useNatsCluster } from '../support/nats-cluster.js';
import { readAllRecords } from '../support/read-log.js';

/**
 * What the NATS log adds to the conformance suite: several writers (Sightline nodes) on one
 * stream, and a NATS node failing under them.
 */
describe('NATS JetStream event log across nodes', () => {
  const { cluster, closeAfter } = useNatsCluster(3);

  /** A writer as a Sightline node would open it: its own connection, first trying `prefer`. */
  async function openOn(stream: string, prefer: number): Promise<NatsEventLog> {
    const servers = cluster().serversFrom(prefer);
    const log = await NatsEventLog.open({ servers, stream, replicas: 3, maxRecordBytes: 1 << 20 });
    closeAfter(() => log.close());
    return log;
  }

  it('stores a batch retried through another node once, at the offsets of the first try', async () => {
    const a = await openOn('retry', 0);
    const b = await openOn('retry', 1);
    const ids = ['p1:u1', 'p1:u2', 'p1:u3'];
    const first = await a.append(['one', 'two', 'three'], { ids });
    expect(first).toEqual({ first: 0, last: 2 });
    // The client timed out on node A and sent the same batch to node B.
    const retry = await b.append(['one', 'two', 'three'], { ids });
    expect(retry).toEqual({ first: 0, last: 2, duplicates: 3 });
    const mixed = await b.append(['three', 'four'], { ids: ['p1:u3', 'p1:u4'] });
    expect(mixed).toEqual({ first: 2, last: 3, duplicates: 1 });
    expect((await readAllRecords(a)).map((r) => r.data.toString())).toEqual(['one', 'two', 'three', 'four']);
    expect(b.stats()).toMatchObject({ appends: 2, records: 1 });
  });

  it("removes nothing another node's consumer still needs, and a consumer registered again goes on where any node left it", async () => {
    // Both nodes open the log before either registered a consumer (as every Sightline node opens every partition).
    const a = await openOn('shared-consumers', 0);
    const b = await openOn('shared-consumers', 1);
    await a.append(Array.from({ length: 10 }, (_, i) => `r${i}`));
    await a.consumers.register('loader');
    await b.consumers.register('processor');
    await b.waitFor(9);
    // The processor (on B) is done with everything; the loader (on A) with nothing yet.
    await b.consumers.release('processor', 10);
    expect(b.bounds().start).toBe(0);
    expect((await readAllRecords(b)).length).toBe(10);
    await a.consumers.release('loader', 4);
    expect(await b.consumers.positionOf('loader')).toBe(4);
    // The partition's loader moves to node B (its lease changed hands): it resumes at 4, not at the start.
    expect(await b.consumers.register('loader')).toBe(4);
    await b.consumers.release('loader', 7);
    expect(b.bounds().start).toBe(7);
    await expect(b.read(6, { maxRecords: 1 })).rejects.toThrow(/removed/);
  });

  it('tells a reader waiting for records that the log closed, and refuses waits after', async () => {
    const log = await openOn('closing', 0);
    await log.append(['one']);
    const waiting = log.waitFor(5);
    await log.close();
    await expect(waiting).rejects.toBeInstanceOf(LogClosedError);
    await expect(log.waitFor(5)).rejects.toBeInstanceOf(LogClosedError);
    await expect(log.read(0, { maxRecords: 1 })).rejects.toBeInstanceOf(LogClosedError);
  });

  it("keeps acknowledging while the stream's leader node is stopped, and loses nothing it acknowledged", async () => {
    const stream = 'failover';
    const writers = [await openOn(stream, 0), await openOn(stream, 1), await openOn(stream, 2)];
    const nc = await connect({ servers: cluster().servers });
    const leader = (await (await jetstreamManager(nc)).streams.info(stream)).cluster?.leader;
    await nc.close();
    const leaderIndex = Number(String(leader).slice(1)) - 1;
    expect(leaderIndex).toBeGreaterThanOrEqual(0);

    const acked: string[] = [];
    const ackTimes: number[] = [];
    let failures = 0;
    let stopAt = Number.POSITIVE_INFINITY;
    const until = performance.now() + 8_000;
    // Each writer sends 5-record batches with ids, retrying a failed batch as it was (as capture's clients do).
    const write = async (log: EventLog, w: number) => {
      for (let batch = 0; performance.now() < until; batch++) {
        const ids = Array.from({ length: 5 }, (_, i) => `w${w}-b${batch}-r${i}`);
        for (;;) {
          try {
            await log.append(ids, { ids });
            break;
          } catch {
            failures++;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        acked.push(...ids);
        ackTimes.push(performance.now());
      }
    };
    const writing = writers.map((log, w) => write(log, w));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    stopAt = performance.now();
    await cluster().stopNode(leaderIndex);
    await Promise.all(writing);

    const afterStop = ackTimes.filter((t) => t > stopAt + 100);
    const gaps = ackTimes
      .filter((t) => t > stopAt)
      .map((t, i, all) => (i === 0 ? t - stopAt : t - all[i - 1]!));
    console.log(
      `[nats failover] ${acked.length} records acknowledged by 3 writers, ${afterStop.length} batches after the leader stopped; ` +
        `${failures} failed appends retried; longest wait for an ack after the stop ${Math.round(Math.max(...gaps))} ms`,
    );
    expect(afterStop.length).toBeGreaterThan(20);

    const reader = writers.find((_, i) => i !== leaderIndex)!;
    const stored = (await readAllRecords(reader, undefined, 5_000)).map((r) => r.data.toString());
    const counts = new Map<string, number>();
    for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(acked.filter((id) => counts.get(id) !== 1)).toEqual([]);
    // Nothing beyond what was sent: a retried batch is stored once whether its first try got in or not.
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });
});
