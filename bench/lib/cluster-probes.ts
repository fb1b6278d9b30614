/**
 * Event → insight across nodes (bench/cluster.ts): each probe is a new session whose partition's
 * lease another node holds (`<prefix>-leases`, key `partition.<p>`, partitionOf as capture routes
 * it); three clicks in one spot (a rage click, friction/rage-click.ts) are sent to the node that
 * does NOT own it, and that node's `POST /v1/query/insights` (secret key, the session's id) is
 * polled, a poll starting every POLL_MS (or when the one before answered, if later), until the
 * session's insight is there. The clock starts before the POST, so
 * the figure is capture on the NATS log, the owner's loading and processing, its commit to
 * ClickHouse and the sending node's read (each poll passes its read barrier): poll answers bound
 * its resolution.
 */
import { partitionOf } from '../../packages/server/src/log/nats/partitioned-log.js';
import { DEFAULT_PROJECT_ID } from '../../packages/server/src/projects/default-project.js';
import type { ClusterGroup } from './cluster-nodes.js';

/** Polls start at most this often: each is a read barrier (a JetStream request per partition) and a query. */
export const POLL_MS = 50;

export interface InsightProbe {
  /** POST → the insight in a query answer from the sending node. */
  ms: number;
  /** POST → capture's 200. */
  ackMs: number;
  polls: number;
}

export interface InsightProbes {
  timings: InsightProbe[];
  failures: number;
  /** The first failure's message. */
  failure?: string;
  /** Probes whose partition changed hands while they ran. */
  moved: number;
  /** Query answers other than 200, by status. */
  refusedPolls: Record<string, number>;
}

/** A new session id whose partition has an owner, that owner, and the other node to send to. */
async function pickSession(group: ClusterGroup, base: string) {
  for (let attempt = 0; attempt < 50; attempt++) {
    const sessionId = `${base}-${attempt}`;
    const p = partitionOf({ projectId: DEFAULT_PROJECT_ID, sessionId, id: '' }, group.partitions);
    const owner = (await group.owners()).get(p);
    const sender = group.nodes.findIndex((_, id) => owner !== undefined && owner !== `node-${id}`);
    if (sender >= 0) return { sessionId, p, owner: owner!, sender: group.nodes[sender]! };
  }
  throw new Error('no partition with an owner: leases not held');
}

async function probe(group: ClusterGroup, base: string, result: InsightProbes, timeoutMs: number) {
  const { sessionId, p, owner, sender } = await pickSession(group, base);
  const now = Date.now();
  const batch = [300, 150, 0].map((ago, i) => ({
    uuid: `${sessionId}-${i}`,
    event: 'user_click',
    distinct_id: sessionId,
    session_id: sessionId,
    timestamp: now - ago,
    properties: { click_x: 300 + i, click_y: 200 },
  }));
  const started = performance.now();
  const res = await fetch(`${sender.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: sender.publicKey, batch, sent_at: now }),
  });
  await res.arrayBuffer();
  const ackMs = performance.now() - started;
  if (res.status !== 200) throw new Error(`capture answered ${res.status}`);
  for (let polls = 1; performance.now() - started < timeoutMs; polls++) {
    const pollStarted = performance.now();
    const answer = await fetch(`${sender.url}/v1/query/insights`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sender.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: sessionId, time_range: '1h' }),
    });
    const text = await answer.text();
    if (answer.status !== 200) {
      const key = String(answer.status);
      result.refusedPolls[key] = (result.refusedPolls[key] ?? 0) + 1;
    } else if ((JSON.parse(text) as { insights: unknown[] }).insights.length > 0) {
      const ms = performance.now() - started;
      if ((await group.owners()).get(p) !== owner) result.moved++;
      return { ms, ackMs, polls };
    }
    const wait = pollStarted + POLL_MS - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  throw new Error(`no insight for ${sessionId} on ${sender.url} after ${timeoutMs} ms`);
}

/** `count` probes one after another, the i-th starting no sooner than `i * spacingMs`. */
export async function probeInsightsAcrossNodes(
  group: ClusterGroup,
  count: number,
  spacingMs: number,
  timeoutMs = 15_000,
): Promise<InsightProbes> {
  const result: InsightProbes = { timings: [], failures: 0, moved: 0, refusedPolls: {} };
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = start + i * spacingMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      result.timings.push(await probe(group, `${group.prefix}-probe-${i}`, result, timeoutMs));
    } catch (error) {
      result.failures++;
      result.failure ??= (error as Error).message;
    }
  }
  return result;
}
