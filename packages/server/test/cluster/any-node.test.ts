import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SightlineProcess } from '../../../../e2e/support/sightline.js';
import { openSse } from '../../../../e2e/support/sse-client.js';
import { partitionOf } from '../../src/log/nats/partitioned-log.js';
import { DEFAULT_PROJECT_ID } from '../../src/projects/default-project.js';
import { useNatsCluster } from '../support/nats-cluster.js';
import { query, SightlineNodes, sendBatch, sharedEvenly } from '../support/sightline-nodes.js';
import { clusterDatabase, waitUntil } from './cluster-outputs.js';

const PARTITIONS = 4;
/** Long enough for the owner to load, process and commit, and the message to cross to the other node. */
const DELIVERY_WAIT_MS = 20_000;

const partitionOfSession = (sessionId: string) =>
  partitionOf({ projectId: DEFAULT_PROJECT_ID, sessionId, id: '' }, PARTITIONS);

/** Three clicks on one spot within a second: a rage click (the default rules answer it with a tooltip). */
function rageClicks(sessionId: string) {
  const t = Date.now();
  return [0, 200, 400].map((dt, i) => ({
    uuid: randomUUID(),
    event: 'user_click',
    distinct_id: `visitor-${sessionId}`,
    session_id: sessionId,
    timestamp: t + dt,
    properties: { click_x: 50 + i, click_y: 50, selector: '#pay' },
  }));
}

async function call(node: SightlineProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${node.secretKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const interventionStream = (node: SightlineProcess, sessionId: string) =>
  openSse(
    `${node.url}/v1/interventions?session_id=${encodeURIComponent(sessionId)}&api_key=${encodeURIComponent(node.publicKey)}`,
  );

describe('any node answers any request (two Sightline nodes, 3-node NATS, ClickHouse 18.16)', () => {
  const { cluster } = useNatsCluster(3);
  let group: SightlineNodes;
  /** The partitions each node loads and processes (index: node id), once both hold their share. */
  let owned: number[][] = [];

  beforeAll(async () => {
    // No hold-out: every session with a rage click gets its intervention.
    group = new SightlineNodes({
      nats: cluster(),
      partitions: PARTITIONS,
      env: { SIGHTLINE_HOLDOUT_PERCENT: '0' },
    });
    await group.start(0);
    await group.start(1);
    owned = await sharedEvenly(group, PARTITIONS);
  }, 60_000);
  afterAll(async () => {
    await group?.stopAll();
  });

  /** A new session id whose partition node `id` processes. */
  function sessionOwnedBy(id: number, prefix: string): string {
    for (let i = 0; ; i++) {
      const sessionId = `${prefix}-${randomUUID().slice(0, 8)}-${i}`;
      if (owned[id]!.includes(partitionOfSession(sessionId))) return sessionId;
    }
  }

  it('an intervention created by the partition’s owner reaches an SSE client connected to the other node, once', {
    timeout: 60_000,
  }, async () => {
    const db = await clusterDatabase(group.database);
    try {
      for (const [owner, other] of [
        [0, 1],
        [1, 0],
      ] as const) {
        const sessionId = sessionOwnedBy(owner, `sse-owner${owner}`);
        const sse = await interventionStream(group.nodes[other]!, sessionId);
        expect(sse.status).toBe(200);
        const sent = await sendBatch(group.nodes[other]!, rageClicks(sessionId));
        expect(sent.status, sent.body).toBe(200);
        const message = await sse.next(DELIVERY_WAIT_MS);
        sse.close();
        expect(message.event).toBe('intervention');
        expect(JSON.parse(message.data)).toMatchObject({
          action: 'tooltip',
          insight_type: 'user_at_risk',
          risk_factors: ['rage_click'],
        });
        // Recorded as delivered: a stream opened on the owner afterwards is not sent it again.
        await waitUntil(
          async () =>
            (
              await db.rows(
                `SELECT id FROM interventions WHERE session_id = '${sessionId}' AND delivered_at IS NOT NULL`,
              )
            ).length === 1,
          10_000,
          'the delivery to be recorded',
        );
        const again = await interventionStream(group.nodes[owner]!, sessionId);
        await expect(again.next(1_000)).rejects.toThrow(/no SSE message/);
        again.close();
      }
    } finally {
      await db.close();
    }
  });

  it('a query on one node sees the events the other node acknowledged, as soon as their 200 came back', {
    timeout: 60_000,
  }, async () => {
    const name = `read_your_acks_${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    let acknowledged = 0;
    for (let round = 0; round < 6; round++) {
      const [to, from] = round % 2 === 0 ? [0, 1] : [1, 0];
      // Twenty sessions: the batch lands in every partition, whichever node loads it.
      const batch = Array.from({ length: 20 }, (_, i) => ({
        uuid: randomUUID(),
        event: name,
        distinct_id: `reader-${i}`,
        session_id: `ryw-${round}-${i}`,
        timestamp: now + round,
      }));
      expect(new Set(batch.map((e) => partitionOfSession(e.session_id))).size).toBe(PARTITIONS);
      const sent = await sendBatch(group.nodes[to]!, batch);
      expect(sent.status, sent.body).toBe(200);
      acknowledged += batch.length;
      const { events } = await query<{ events: Array<{ name: string; count: number }> }>(
        group.nodes[from]!,
        'top_events',
        { time_range: { from: now - 3_600_000, to: now + 3_600_000 }, limit: 1000 },
      );
      expect(events.find((e) => e.name === name)?.count, `round ${round}`).toBe(acknowledged);
    }
  });

  it('intervention rules set on one node are what the other node answers with and applies', {
    timeout: 60_000,
  }, async () => {
    const rules = [
      {
        id: 'cluster_rage',
        when: ['rage_click'],
        action: 'banner',
        message: `Set on node 0 (${randomUUID()})`,
      },
    ];
    const put = await call(group.nodes[0]!, 'PUT', '/v1/intervention-rules', { rules });
    expect(put.status).toBe(200);
    try {
      await waitUntil(
        async () => {
          const { body } = await call(group.nodes[1]!, 'GET', '/v1/intervention-rules');
          return JSON.stringify(body) === JSON.stringify({ rules, defaults: false });
        },
        10_000,
        'node 1 to answer with the rules set on node 0',
      );
      // Whichever node processes the session applies them.
      for (const owner of [0, 1]) {
        const sessionId = sessionOwnedBy(owner, `rules-owner${owner}`);
        const sse = await interventionStream(group.nodes[0]!, sessionId);
        const sent = await sendBatch(group.nodes[1]!, rageClicks(sessionId));
        expect(sent.status, sent.body).toBe(200);
        const message = await sse.next(DELIVERY_WAIT_MS);
        sse.close();
        expect(JSON.parse(message.data), `session processed by node ${owner}`).toMatchObject({
          action: 'banner',
          message: rules[0]!.message,
        });
      }
      // And back: the defaults restored on node 1 are what node 0 answers with.
      expect((await call(group.nodes[1]!, 'PUT', '/v1/intervention-rules', { rules: null })).status).toBe(
        200,
      );
      await waitUntil(
        async () => (await call(group.nodes[0]!, 'GET', '/v1/intervention-rules')).body['defaults'] === true,
        10_000,
        'node 0 to answer with the defaults restored on node 1',
      );
    } finally {
      await call(group.nodes[0]!, 'PUT', '/v1/intervention-rules', { rules: null });
    }
  });
});
