import type { InsightRecord } from '../storage/processor-records.js';

export interface WebhookOptions {
  /** Deliveries waiting at most; beyond it the oldest is dropped (processing never waits). */
  maxQueued: number;
  maxAttempts: number;
  /** First retry delay; doubles with each attempt. */
  baseDelayMs: number;
  timeoutMs: number;
  concurrency: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  maxQueued: 1000,
  maxAttempts: 6,
  baseDelayMs: 500,
  timeoutMs: 5000,
  concurrency: 4,
};

interface Delivery {
  url: string;
  body: string;
  attempts: number;
}

/** The insight as the API shows it (no internal project id). */
export function publicInsight(i: InsightRecord): Omit<InsightRecord, 'project_id'> {
  const { project_id: _project, ...rest } = i;
  return rest;
}

/**
 * POSTs each new insight to its project's webhook, off the processing path: enqueue() only
 * appends to a bounded in-memory queue; failures are retried with exponential backoff.
 */
export class WebhookDispatcher {
  private readonly ready: Delivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly controllers = new Set<AbortController>();
  private waiting = 0;
  private active = 0;
  private stopped = false;
  private readonly options: WebhookOptions;
  /** Deliveries given up (queue full or out of attempts), for operators. */
  dropped = 0;
  delivered = 0;

  constructor(
    private readonly urlFor: (projectId: string) => string | undefined,
    options: Partial<WebhookOptions> = {},
  ) {
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
  }

  enqueue(insights: readonly InsightRecord[]): void {
    if (this.stopped) return;
    for (const insight of insights) {
      const url = this.urlFor(insight.project_id);
      if (!url) continue;
      if (this.ready.length + this.waiting >= this.options.maxQueued) {
        if (this.ready.length === 0) {
          this.dropped++;
          continue;
        }
        this.ready.shift();
        this.dropped++;
      }
      this.ready.push({ url, body: JSON.stringify(publicInsight(insight)), attempts: 0 });
    }
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const controller of this.controllers) controller.abort();
    this.ready.length = 0;
  }

  private kick(): void {
    while (!this.stopped && this.active < this.options.concurrency && this.ready.length > 0) {
      const delivery = this.ready.shift()!;
      this.active++;
      void this.attempt(delivery).finally(() => {
        this.active--;
        this.kick();
      });
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    delivery.attempts++;
    const controller = new AbortController();
    this.controllers.add(controller);
    const timeout = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let ok = false;
    try {
      const res = await fetch(delivery.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'sightline-webhook' },
        body: delivery.body,
        signal: controller.signal,
      });
      await res.arrayBuffer().catch(() => undefined);
      ok = res.ok;
    } catch {
      ok = false;
    } finally {
      clearTimeout(timeout);
      this.controllers.delete(controller);
    }
    if (ok) {
      this.delivered++;
      return;
    }
    if (this.stopped || delivery.attempts >= this.options.maxAttempts) {
      this.dropped++;
      return;
    }
    this.waiting++;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.waiting--;
        this.ready.push(delivery);
        this.kick();
      },
      this.options.baseDelayMs * 2 ** (delivery.attempts - 1),
    );
    timer.unref();
    this.timers.add(timer);
  }
}
