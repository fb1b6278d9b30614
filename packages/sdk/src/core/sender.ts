import { backoffDelay } from './backoff.js';
import type { EventQueue } from './queue.js';
import { beacon, envelope, post } from './transport.js';

export const DEFAULT_BATCH_SIZE = 50;
export const DEFAULT_FLUSH_INTERVAL_MS = 1000;

export interface SenderOptions {
  url: string;
  apiKey: string;
  queue: EventQueue;
  batchSize: number;
  flushInterval: number;
  compression: boolean;
  maxQueueSize: number;
}

export interface Sender {
  /** Call after each enqueue with the queue length: sends full batches now, others after flushInterval. */
  enqueued(length: number): void;
  /** Sends until the queue is empty or a retry is scheduled. `urgent` skips compression (the page may be going away). */
  flush(urgent?: boolean): Promise<void>;
  /** Hands everything unacknowledged to sendBeacon; it stays queued until a later 200 says it arrived. */
  beaconAll(): void;
  /** Forgets the backoff and sends now (the browser came back online). */
  retryNow(): void;
  stop(): void;
}

export function createSender(o: SenderOptions): Sender {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<void> | undefined;
  let followUp: Promise<void> | undefined;
  let attempt = 0;
  let limit = o.batchSize;
  let stopped = false;

  const schedule = (delay: number) => {
    timer ??= setTimeout(() => {
      timer = undefined;
      flush();
    }, delay);
  };

  async function drain(urgent: boolean) {
    for (;;) {
      const batch = o.queue.peek(limit);
      if (!batch.length || stopped) return;
      const { outcome, status, retryAfter } = await post(
        o.url,
        envelope(o.apiKey, batch),
        o.compression && !urgent,
      );
      if (outcome === 'retry') {
        schedule(Math.max(backoffDelay(++attempt), retryAfter));
        return;
      }
      if (outcome === 'too_large' && batch.length > 1) {
        limit = Math.ceil(batch.length / 2);
        continue;
      }
      if (outcome !== 'ok') console.warn(`[sightline] dropped ${batch.length} events: HTTP ${status}`);
      o.queue.remove(batch.map((event) => event.uuid));
      attempt = 0;
      limit = o.batchSize;
    }
  }

  function flush(urgent = false): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    // A drain may already have found the queue empty: run once more after it, unless it left a backoff.
    if (inFlight) {
      followUp ??= inFlight.then(() => {
        followUp = undefined;
        if (!attempt) return flush(urgent);
      });
      return followUp;
    }
    inFlight = drain(urgent).finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  return {
    enqueued(length) {
      if (length >= o.batchSize && !attempt) flush();
      else schedule(o.flushInterval);
    },
    flush,
    beaconAll: () => beacon(o.url, o.apiKey, o.queue.peek(o.maxQueueSize)),
    retryNow() {
      attempt = 0;
      flush();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
