import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { DEFAULT_LOG_MAX_RECORD_BYTES } from '../../src/log/limits.js';
import { NatsEventLog } from '../../src/log/nats/nats-event-log.js';
import { useNatsCluster } from '../support/nats-cluster.js';
import { describeEventLogConformance } from './conformance.js';

/** One 3-node cluster for the file; each test gets a stream (and consumer bucket) of its own, replicated 3 times. */
const { cluster } = useNatsCluster(3);
let streams = 0;

describeEventLogConformance('NATS JetStream (3 nodes, 3 replicas)', async () => {
  const { servers } = cluster();
  const stream = `conformance-${process.pid}-${++streams}`;
  return {
    open: (options = {}) =>
      NatsEventLog.open({
        servers,
        stream,
        replicas: 3,
        maxRecordBytes: DEFAULT_LOG_MAX_RECORD_BYTES,
        ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
        ...(options.nowMs ? { nowMs: options.nowMs } : {}),
      }),
    destroy: async () => {
      const nc = await connect({ servers });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.delete(stream).catch(() => undefined);
      await jsm.streams.delete(`KV_${stream}-consumers`).catch(() => undefined);
      await nc.close();
    },
  };
});
