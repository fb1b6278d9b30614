/**
 * A Sightline node's partition leases in a process of its own, so a test can SIGKILL it: prints a
 * JSON line `{ node, owned, at }` whenever what it owns changes; SIGTERM gives everything back.
 * Args: servers (comma-separated) bucket nodeId partitions leaseMs.
 */
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { PartitionLeases } from '../../src/cluster/partition-leases.js';

const [servers, bucket, nodeId, partitions, leaseMs] = process.argv.slice(2);
const nc = await connect({ servers: servers!.split(','), maxReconnectAttempts: -1 });
const kv = await new Kvm(nc).create(bucket!, { ttl: Number(leaseMs), replicas: 3, history: 1 });
let leases: PartitionLeases;
const report = (): void => {
  process.stdout.write(`${JSON.stringify({ node: nodeId, owned: leases.owned(), at: Date.now() })}\n`);
};
leases = new PartitionLeases(kv, {
  nodeId: nodeId!,
  partitions: Number(partitions),
  leaseMs: Number(leaseMs),
  onAcquired: report,
  onReleased: report,
});
process.on('SIGTERM', () => {
  void leases
    .stop()
    .then(() => nc.close())
    .then(() => process.exit(0));
});
await leases.start();
report();
