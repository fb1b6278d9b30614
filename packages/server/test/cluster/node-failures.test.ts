import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { SightlineProcess } from '../../../../e2e/support/sightline.js';
import type { SimEvent } from '../../src/simulate/index.js';
import { useNatsCluster } from '../support/nats-cluster.js';
import { ownedPartitions, query, type SightlineNodes, useNodeGroups } from '../support/sightline-nodes.js';
import { ClusterLoad, postBatch, rageTraffic, type SentBatch } from './cluster-load.js';
import { clusterDatabase, waitUntil } from './cluster-outputs.js';

const PARTITIONS = 4;
type Database = Awaited<ReturnType<typeof clusterDatabase>>;
type Outputs = Awaited<ReturnType<Database['outputs']>>;

describe('Sightline nodes under load while a node fails (3-node NATS, ClickHouse 18.16)', () => {
  const { cluster } = useNatsCluster(3);
  /** `nodes` Sightline nodes; resolves once each holds its share of the partitions. */
  const group = useNodeGroups(cluster, { partitions: PARTITIONS, leaseMs: 3_000 });

  /**
   * What a user of the cluster sees after the failure, checked against one node that was sent the
   * same stored events in the same order: each acknowledged event stored once (nothing but what
   * was sent), node 0 answering with all of them, every partition processed to its end, and the
   * same journeys, insights, interventions and friction scores as the single node found.
   */
  async function expectAsOneNode(nodes: SightlineNodes, single: SightlineNodes, sent: SentBatch[]) {
    const [db, ref] = await Promise.all([clusterDatabase(nodes.database), clusterDatabase(single.database)]);
    try {
      const stored = await expectStoredOnce(db, nodes, sent);
      expect(await eventTotal(nodes)).toBe(stored.length);
      await waitUntil(() => db.processedAll(PARTITIONS, stored.length), 20_000, 'every partition processed');
      // A session's rage clicks make one insight; one found twice (a replay on another node) has two ids.
      const twice = await db.rows(
        `SELECT session_id, groupArray(id) AS ids FROM insights WHERE factor = 'rage_click'
         GROUP BY session_id HAVING count() > 1`,
      );
      expect(twice).toEqual([]);
      // In order, one batch after the other: each partition's log gets the cluster's order.
      for (let i = 0; i < stored.length; i += 1_000) {
        const { status, body } = await postBatch(single.nodes[0]!, stored.slice(i, i + 1_000));
        expect(status, body).toBe(200);
      }
      await waitUntil(
        () => ref.processedAll(PARTITIONS, stored.length),
        20_000,
        'the single node to process',
      );
      const [shared, alone] = await Promise.all([db.outputs(), ref.outputs()]);
      expect(alone.insights.filter((i) => i.includes('"factor":"rage_click"')).length).toBeGreaterThan(20);
      expect(alone.interventions.length).toBeGreaterThan(20);
      expect(differences(shared, alone)).toEqual(differences(alone, alone));
    } finally {
      await Promise.all([db.close(), ref.close()]);
    }
  }

  it('kill -9 of a Sightline node under load: the other takes its partitions over; every acknowledged event stored once, outputs as on one node', {
    timeout: 60_000,
  }, async () => {
    const [pair, single] = await Promise.all([group(2), group(1)]);
    const load = new ClusterLoad(rageTraffic(2400, 11), pair.nodes);
    await load.firstAck;
    await sleep(1_000);
    const killedAt = Date.now();
    await pair.nodes[1]!.kill();
    await sleep(3_000);
    const sent = await load.stop();
    const before = sent.filter((b) => b.startedAt < killedAt);
    const after = sent.filter((b) => b.startedAt >= killedAt);
    expect(before.filter((b) => b.node === 1 && b.status === 200).length).toBeGreaterThan(0);
    // The dead node acknowledges nothing; node 0 goes on acknowledging.
    expect(after.filter((b) => b.node === 1 && b.status === 200)).toEqual([]);
    expect(after.filter((b) => b.node === 0 && b.status === 200).length).toBeGreaterThan(10);
    await expectAsOneNode(pair, single, sent);
    // Node 0 took the dead node's partitions over.
    expect(await ownedPartitions(pair.nodes[0]!)).toEqual([0, 1, 2, 3]);
  });

  it('one NATS node stopped under load: capture goes on acknowledging; every acknowledged event stored once, outputs as on one node', {
    timeout: 60_000,
  }, async () => {
    const [pair, single] = await Promise.all([group(2), group(1)]);
    const load = new ClusterLoad(rageTraffic(2400, 12), pair.nodes);
    await load.firstAck;
    await sleep(1_000);
    // The NATS node Sightline node 0 lists first (SightlineNodes: node i lists NATS node i % 3 first).
    const stoppedAt = Date.now();
    let sent: SentBatch[];
    try {
      await cluster().stopNode(0);
      await sleep(4_000);
    } finally {
      sent = await load.stop();
      await cluster().startNode(0);
    }
    const after = sent.filter((b) => b.startedAt >= stoppedAt);
    expect(after.filter((b) => b.status === 200).length).toBeGreaterThan(20);
    // Past an election window (JetStream moves the stopped node's stream leaders), nearly all succeed.
    const settled = after.filter((b) => b.startedAt >= stoppedAt + 2_000);
    const failed = settled.filter((b) => b.status !== 200);
    expect(settled.length).toBeGreaterThan(20);
    expect(failed.length, JSON.stringify(failed.map((b) => [b.node, b.status]))).toBeLessThanOrEqual(
      settled.length * 0.1,
    );
    await expectAsOneNode(pair, single, sent);
  });
});

/**
 * Waits until every acknowledged event is stored, then checks each is stored once and that nothing
 * was stored but events sent. Resolves with the stored events in log order (by seq).
 */
async function expectStoredOnce(db: Database, nodes: SightlineNodes, sent: SentBatch[]): Promise<SimEvent[]> {
  const bySent = new Map(sent.flatMap((b) => b.events.map((e) => [e.uuid, e] as const)));
  const acked = sent.filter((b) => b.status === 200).flatMap((b) => b.events.map((e) => e.uuid));
  expect(acked.length).toBeGreaterThan(1_000);
  let counts = new Map<string, number>();
  await waitUntil(
    async () => {
      counts = await db.storedCounts();
      return acked.every((uuid) => counts.has(uuid));
    },
    25_000,
    'the acknowledged events to be stored',
  ).catch(() => undefined); // asserted below, with the events that are not
  const missing = acked.filter((uuid) => !counts.has(uuid));
  const doubled = acked.filter((uuid) => (counts.get(uuid) ?? 0) > 1);
  // Which node loads what, and how far behind: says whether an event is lost or a loader stuck.
  const health = missing.length + doubled.length === 0 ? [] : await Promise.all(nodes.nodes.map(healthOf));
  expect(
    { missing: missing.length, storedTwice: doubled.length, some: [...missing, ...doubled].slice(0, 3) },
    `acknowledged events (of ${acked.length}) not stored exactly once; the nodes' /healthz: ${JSON.stringify(health)}`,
  ).toEqual({ missing: 0, storedTwice: 0, some: [] });
  expect([...counts].filter(([uuid, n]) => n !== 1 || !bySent.has(uuid))).toEqual([]);
  const order = await db.rows('SELECT uuid FROM events ORDER BY seq');
  return order.map((r) => bySent.get(String(r['uuid']))!);
}

/** A node's `/healthz` answer (or why there is none). */
async function healthOf(node: SightlineProcess): Promise<unknown> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return 'exited';
  return fetch(`${node.url}/healthz`).then(
    (res) => res.json(),
    (error: Error) => error.message,
  );
}

/** Events node 0 counts over the traffic's hours (its read waits for what any node acknowledged). */
async function eventTotal(nodes: SightlineNodes): Promise<number> {
  const now = Date.now();
  const { events } = await query<{ events: Array<{ count: number }> }>(nodes.nodes[0]!, 'top_events', {
    time_range: { from: now, to: now + 3 * 3_600_000 },
    limit: 1000,
  });
  return events.reduce((n, e) => n + e.count, 0);
}

/** Per output table, the rows only `a` has and the rows only `b` has. */
function differences(a: Outputs, b: Outputs) {
  const only = (x: string[], y: string[]) => x.filter((row) => !y.includes(row));
  const keys = Object.keys(a) as Array<keyof Outputs>;
  return Object.fromEntries(
    keys.map((key) => [key, { onlyInCluster: only(a[key], b[key]), onlyOnOneNode: only(b[key], a[key]) }]),
  );
}
