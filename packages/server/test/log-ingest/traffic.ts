import { randomUUID } from 'node:crypto';
import type { SightlineProcess } from '../../../../e2e/support/sightline.js';
import { ERROR_EVENTS } from '../../src/friction/error-encountered.js';

/** One request's events, kept so an unacknowledged batch can be retried byte for byte. */
export interface SentBatch {
  uuids: string[];
  /** The error events among them: each in a session of its own, so each makes exactly one insight. */
  errors: string[];
  body: string;
}

export interface TrafficShape {
  connections: number;
  events: number;
  /** Every `errorEvery`-th event is an error (the processor turns each into a `user_at_risk` insight). */
  errorEvery: number;
}

/**
 * Builds a batch; timestamps are the send time, so a phase's events fall in its own time window
 * (the checks export by window) and a retry keeps the window of the attempt it repeats.
 */
export function makeBatch(apiKey: string, shape: TrafficShape): SentBatch {
  const now = Date.now();
  const uuids: string[] = [];
  const errors: string[] = [];
  const batch = Array.from({ length: shape.events }, (_, i) => {
    const uuid = randomUUID();
    uuids.push(uuid);
    if (i % shape.errorEvery === 0) {
      errors.push(uuid);
      return {
        uuid,
        event: ERROR_EVENTS[1],
        distinct_id: `kill-user-${i % 13}`,
        session_id: `kill-error-${uuid}`,
        timestamp: now,
        properties: { url: 'https://kill.test/checkout', $exception_message: 'boom' },
      };
    }
    return {
      uuid,
      event: i % 3 === 0 ? 'kill_test_step' : '$pageview',
      distinct_id: `kill-user-${i % 13}`,
      session_id: `kill-session-${i % 17}`,
      timestamp: now,
      properties: { url: `https://kill.test/page-${i % 5}` },
    };
  });
  return { uuids, errors, body: JSON.stringify({ api_key: apiKey, batch }) };
}

/**
 * Clients sending batches back to back over several connections until the server dies, noting
 * which batches got their 200 (acknowledged) and which did not (cut by the kill, to retry).
 */
export class Traffic {
  readonly acked: SentBatch[] = [];
  readonly unacked: SentBatch[] = [];
  /** Answers other than 200 while the server was up (none expected: nothing sent is invalid). */
  readonly refusals: string[] = [];
  /** Requests sent and not answered yet. */
  inFlight = 0;
  /** Resolves at the first 200. */
  readonly firstAck: Promise<void>;
  /** Resolves once every connection met the dead server. */
  readonly done: Promise<void>;
  private acknowledged: () => void = () => undefined;

  constructor(
    private readonly server: SightlineProcess,
    private readonly shape: TrafficShape,
  ) {
    this.firstAck = new Promise((resolve) => {
      this.acknowledged = resolve;
    });
    this.done = Promise.all(Array.from({ length: shape.connections }, () => this.send())).then(
      () => undefined,
    );
  }

  get ackedEvents(): number {
    return this.acked.reduce((n, b) => n + b.uuids.length, 0);
  }

  private async send(): Promise<void> {
    for (;;) {
      const batch = makeBatch(this.server.publicKey, this.shape);
      this.inFlight++;
      try {
        const res = await fetch(`${this.server.url}/v1/events`, {
          method: 'POST',
          body: batch.body,
          headers: { 'content-type': 'application/json' },
        });
        const text = await res.text();
        if (res.status === 200) {
          this.acked.push(batch);
          this.acknowledged();
        } else {
          this.refusals.push(`${res.status} ${text.slice(0, 200)}`);
          this.unacked.push(batch);
        }
      } catch {
        // The server is gone: whether this batch landed is unknown to the client, which retries it.
        this.unacked.push(batch);
        return;
      } finally {
        this.inFlight--;
      }
    }
  }
}

/** Retries batches a kill cut off, as a client does after a restart: each must be answered 200 (fresh or duplicate). */
export async function retryBatches(
  server: SightlineProcess,
  batches: readonly SentBatch[],
): Promise<{ fresh: number; duplicates: number; refusals: string[] }> {
  const outcome = { fresh: 0, duplicates: 0, refusals: [] as string[] };
  const queue = [...batches];
  const worker = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      const res = await fetch(`${server.url}/v1/events`, {
        method: 'POST',
        body: batch.body,
        headers: { 'content-type': 'application/json' },
      });
      const answer = (await res.json()) as { accepted?: number; duplicates?: number };
      if (res.status !== 200) outcome.refusals.push(`${res.status} ${JSON.stringify(answer).slice(0, 200)}`);
      outcome.duplicates += answer.duplicates ?? 0;
      outcome.fresh += (answer.accepted ?? 0) - (answer.duplicates ?? 0);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return outcome;
}
