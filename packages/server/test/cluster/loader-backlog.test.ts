import { describe, expect, it } from 'vitest';
import { LoaderBacklog } from '../../src/cluster/loader-backlog.js';
import { ApiError } from '../../src/errors.js';
import { NatsEventLog } from '../../src/log/nats/nats-event-log.js';
import { PARTITION_LOADER } from '../../src/storage/clickhouse/partition-loader.js';
import { useNatsCluster } from '../support/nats-cluster.js';

describe('capture on the NATS log refuses once a loader is too far behind', () => {
  const { cluster, closeAfter } = useNatsCluster(3);

  it('answers overloaded while a partition holds more unloaded events than allowed, and takes events again once the loader caught up', async () => {
    const open = async (stream: string) => {
      const log = await NatsEventLog.open({
        servers: cluster().servers,
        stream,
        replicas: 3,
        maxRecordBytes: 1 << 20,
      });
      closeAfter(() => log.close());
      return log;
    };
    const [quiet, busy] = [await open('backlog-p0'), await open('backlog-p1')];
    for (const log of [quiet, busy]) await log.consumers.register(PARTITION_LOADER);
    await quiet.append(['a', 'b']);
    // Another node appended these: this node's log has not seen them.
    const elsewhere = await NatsEventLog.open({
      servers: cluster().serversFrom(2),
      stream: 'backlog-p1',
      replicas: 3,
      maxRecordBytes: 1 << 20,
    });
    closeAfter(() => elsewhere.close());
    await elsewhere.append(Array.from({ length: 12 }, (_, i) => `e${i}`));
    const backlog = new LoaderBacklog([quiet, busy], 10);
    closeAfter(async () => backlog.stop());
    await expect.poll(() => backlog.worstBehind, { timeout: 5_000 }).toBe(12);
    let refusal: unknown;
    try {
      backlog.assertRoom();
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'overloaded', retryAfterS: 5 });
    // The partition's loader (on whichever node) stored most of them.
    await elsewhere.consumers.release(PARTITION_LOADER, 9);
    await expect.poll(() => backlog.worstBehind, { timeout: 5_000 }).toBe(3);
    expect(() => backlog.assertRoom()).not.toThrow();
  });
});
