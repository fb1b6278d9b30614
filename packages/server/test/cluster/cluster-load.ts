import type { SightlineProcess } from '../../../../e2e/support/sightline.js';
import { createRng, generateSession, type SimEvent } from '../../src/simulate/index.js';
import { sendBatch } from '../support/sightline-nodes.js';

/** One batch as a sender saw it: `status` 0 when the request failed (refused, cut, timed out). */
export interface SentBatch {
  events: SimEvent[];
  node: number;
  status: number;
  startedAt: number;
}

/**
 * Traffic for node-failure tests: `sessions` visits with rage clicks (and no other friction), their
 * starts spread so about 40 are under way at once, merged in time order as browsers would send
 * them. They start an hour from now (see two-nodes.test.ts: no idle deadline fires while they
 * are sent, so what the processor finds depends only on the events and their order).
 */
export function rageTraffic(sessions: number, seed: number): SimEvent[] {
  const rng = createRng(seed);
  const start = Date.now() + 3_600_000;
  const events: SimEvent[] = [];
  for (let i = 0; i < sessions; i++) {
    const session = generateSession(rng, start + i * 2_000, {
      friction: { rageClicks: 0.6, errors: 0, stalls: 0, abandon: 0 },
    });
    events.push(...session.events);
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

/**
 * `senders` concurrent clients posting `batch`-event batches of `events`, in order, batch k to
 * node k % nodes (requests to a dead node fail and are not retried), until stopped or out of events.
 */
export class ClusterLoad {
  readonly sent: SentBatch[] = [];
  /** Resolves at the first acknowledged batch. */
  readonly firstAck: Promise<void>;
  private next = 0;
  private stopped = false;
  private readonly running: Promise<void>;
  private acked: () => void = () => undefined;

  constructor(
    private readonly events: readonly SimEvent[],
    private readonly nodes: readonly SightlineProcess[],
    senders = 4,
    private readonly batch = 50,
  ) {
    this.firstAck = new Promise((resolve) => {
      this.acked = resolve;
    });
    this.running = Promise.all(Array.from({ length: senders }, () => this.sender())).then(() => undefined);
  }

  /** Stops sending; resolves once every request under way is answered. Throws if the events ran out first. */
  async stop(): Promise<SentBatch[]> {
    const ranOut = this.next * this.batch >= this.events.length;
    this.stopped = true;
    await this.running;
    if (ranOut) throw new Error(`the load ran out of events (${this.events.length}): generate more`);
    return this.sent;
  }

  private async sender(): Promise<void> {
    while (!this.stopped) {
      const k = this.next++;
      const events = this.events.slice(k * this.batch, (k + 1) * this.batch);
      if (events.length === 0) return;
      const node = k % this.nodes.length;
      const startedAt = Date.now();
      const status = await postBatch(this.nodes[node]!, events).then(
        (res) => res.status,
        () => 0,
      );
      this.sent.push({ events, node, status, startedAt });
      if (status === 200) this.acked();
      // A dead node refuses at once: do not spin on it.
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** How the load posts: without `sent_at`, so a replay of the stored events is the same events. */
export const postBatch = (node: SightlineProcess, events: readonly SimEvent[]) =>
  sendBatch(node, events, { sentAt: false, timeoutMs: 20_000 });
