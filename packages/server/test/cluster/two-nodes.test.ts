import { describe, expect, it } from 'vitest';
import { createRng, generateSession, type SimEvent } from '../../src/simulate/index.js';
import { useNatsCluster } from '../support/nats-cluster.js';
import { query, type SightlineNodes, sendBatch, useNodeGroups } from '../support/sightline-nodes.js';
import { clusterDatabase, waitUntil } from './cluster-outputs.js';

const PARTITIONS = 4;
const BATCH = 10;

/**
 * Sessions with every kind of friction, merged in time order as browsers would send them. They
 * start an hour from now: the processor's clock (an event's time, never past its arrival) then
 * fires no idle deadline while they are sent, so what it finds depends only on the events and
 * their order, not on when a sweep ran between two batches.
 */
function frictionSessions(count: number): SimEvent[] {
  const rng = createRng(2026);
  const now = Date.now();
  const events: SimEvent[] = [];
  for (let i = 0; i < count; i++) {
    const session = generateSession(rng, now + 3_600_000, {
      friction: { rageClicks: 0.7, errors: 0.5, stalls: 0.5, abandon: 0.4 },
    });
    events.push(...session.events);
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

describe('two Sightline nodes on the NATS log (3-node NATS, ClickHouse 18.16)', () => {
  const { cluster } = useNatsCluster(3);
  const group = useNodeGroups(cluster, { partitions: PARTITIONS });

  async function sendAll(g: SightlineNodes, events: SimEvent[], pick: (batch: number) => number) {
    for (let b = 0; b * BATCH < events.length; b++) {
      const { status, body } = await sendBatch(g.nodes[pick(b)]!, events.slice(b * BATCH, (b + 1) * BATCH));
      expect(status, body).toBe(200);
    }
  }

  it('sessions whose events alternate between two nodes get the journeys, insights and interventions one node gives them', {
    timeout: 120_000,
  }, async () => {
    const events = frictionSessions(12);
    // Both nodes of the pair load and process partitions of their own before the events go.
    const [single, pair] = await Promise.all([group(1), group(2)]);
    await Promise.all([sendAll(single, events, () => 0), sendAll(pair, events, (b) => b % 2)]);
    const [one, two] = await Promise.all([clusterDatabase(single.database), clusterDatabase(pair.database)]);
    try {
      await waitUntil(
        () => one.processedAll(PARTITIONS, events.length),
        40_000,
        'the single node to process',
      );
      await waitUntil(() => two.processedAll(PARTITIONS, events.length), 40_000, 'the two nodes to process');
      const [alone, shared] = await Promise.all([one.outputs(), two.outputs()]);
      expect(alone.insights.length).toBeGreaterThan(5);
      expect(alone.journeys.length).toBeGreaterThan(5);
      expect(alone.interventions.length).toBeGreaterThan(0);
      expect(shared).toEqual(alone);
      // The work really was split: each node loads and processes partitions of its own (/healthz says which).
      const owned = await Promise.all(
        pair.nodes.map(async (node) => {
          const health = (await (await fetch(`${node.url}/healthz`)).json()) as {
            cluster: { owned_partitions: number[]; loader_lag_events: number };
          };
          expect(health.cluster.loader_lag_events).toBe(0);
          return health.cluster.owned_partitions;
        }),
      );
      expect(owned.every((partitions) => partitions.length > 0)).toBe(true);
      expect(owned.flat().sort()).toEqual([0, 1, 2, 3]);
      // Any node answers queries with everything, whichever node captured it.
      for (const node of pair.nodes) {
        const insights = await query<unknown>(node, 'insights', { time_range: '1h' });
        expect(JSON.stringify(insights)).toContain('rage');
      }
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('a batch retried on the other node is stored once', async () => {
    const pair = await group(2);
    const events = frictionSessions(1).slice(0, 20);
    const first = await sendBatch(pair.nodes[0]!, events);
    expect(first.status, first.body).toBe(200);
    const retry = await sendBatch(pair.nodes[1]!, events);
    expect(retry.status, retry.body).toBe(200);
    expect(JSON.parse(retry.body)).toMatchObject({ duplicates: events.length });
    const db = await clusterDatabase(pair.database);
    try {
      await waitUntil(() => db.processedAll(PARTITIONS, events.length), 30_000, 'the events to load');
      const counts = await db.storedCounts();
      expect(counts.size).toBe(events.length);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await db.close();
    }
  });
});
