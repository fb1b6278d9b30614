import type { InsightRecord } from '../storage/processor-records.js';
import { postWebhook } from './webhook-post.js';
import { type DeliveryCounters, FairQueues, type Job, type JobOutcome } from './webhook-queues.js';
import {
  DEFAULT_WEBHOOK_TARGET_POLICY,
  type WebhookTargetPolicy,
  webhookTargetPolicyFromEnv,
} from './webhook-target.js';

export type { DeliveryCounters } from './webhook-queues.js';

export interface WebhookOptions extends WebhookTargetPolicy {
  /** Deliveries one project may have waiting; beyond it its oldest is dropped (processing never waits). */
  maxQueuedPerProject: number;
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** First retry delay; doubles with each attempt. */
  baseDelayMs: number;
  /** One attempt, from DNS to the end of the answer. */
  timeoutMs: number;
  /** Attempts in flight for one project. */
  perProjectConcurrency: number;
  /** Attempts in flight overall, handed out round-robin over projects with work. */
  globalConcurrency: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  ...DEFAULT_WEBHOOK_TARGET_POLICY,
  // ~1 KB per insight: 1000 waiting cost about 1 MB per project, and cover a receiver that is
  // down for the ~15 s of retries at a sustained rate of dozens of insights per second.
  maxQueuedPerProject: 1000,
  // 0.5 + 1 + 2 + 4 + 8 s of backoff: rides out a receiver restart without retrying for long.
  maxAttempts: 6,
  baseDelayMs: 500,
  // A receiver is expected to acknowledge at once and work later; 5 s bounds what a hanging one
  // costs: its project's slots, never anyone else's.
  timeoutMs: 5000,
  // Two in flight keep a healthy receiver busy across one slow answer; a hanging receiver blocks
  // only these two.
  perProjectConcurrency: 2,
  // Outbound POSTs are cheap (no CPU to speak of); 16 lets eight projects' receivers hang at once
  // before a ninth project waits for a slot (at most one timeout).
  globalConcurrency: 16,
};

/** The dispatcher's settings from the environment (SIGHTLINE_WEBHOOK_ALLOW_PRIVATE). */
export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<WebhookOptions> {
  return webhookTargetPolicyFromEnv(env);
}

interface Delivery {
  /** The insight id: derived from the events that produced it, so the same across a replay. */
  id: string;
  body: string;
}

/** The insight as the API shows it (no internal project id). */
export function publicInsight(i: InsightRecord): Omit<InsightRecord, 'project_id'> {
  const { project_id: _project, ...rest } = i;
  return rest;
}

/**
 * POSTs each new insight to its project's webhook, off the processing path: enqueue() only
 * appends to the project's bounded in-memory queue (webhook-queues.ts); attempts go out through
 * webhook-post.ts (public targets only, no redirects, a timeout), failures are retried with
 * exponential backoff. A delivery may arrive more than once (an attempt that timed out after the
 * receiver got it is retried), so every POST carries `x-sightline-delivery` (the insight id, the
 * same across a replay) for the receiver to de-duplicate by.
 */
export class WebhookDispatcher {
  private readonly options: WebhookOptions;
  private readonly queues: FairQueues<Delivery>;

  constructor(
    private readonly urlFor: (projectId: string) => string | undefined,
    options: Partial<WebhookOptions> = {},
  ) {
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
    this.queues = new FairQueues(this.options, (job, signal) => this.attempt(job, signal));
  }

  enqueue(insights: readonly InsightRecord[]): void {
    for (const insight of insights) {
      if (!this.urlFor(insight.project_id)) continue;
      this.queues.push(insight.project_id, { id: insight.id, body: JSON.stringify(publicInsight(insight)) });
    }
  }

  /** Delivered / failed / dropped counts of one project since start. */
  countersFor(projectId: string): DeliveryCounters {
    return this.queues.countersFor(projectId);
  }

  /** Deliveries not finished yet (queued, waiting for a retry, in flight). */
  get pending(): number {
    return this.queues.pending;
  }

  /** Drops what is queued and aborts attempts in flight (the server is stopping). */
  stop(): void {
    this.queues.stop();
  }

  private async attempt(job: Job<Delivery>, signal: AbortSignal): Promise<JobOutcome> {
    const { id, body } = job.item;
    // Looked up at each attempt: a webhook changed meanwhile gets the retries, a removed one none.
    const url = this.urlFor(job.projectId);
    if (!url) return { outcome: 'refused', reason: 'the webhook was removed' };
    const result = await postWebhook(
      url,
      body,
      {
        'content-type': 'application/json',
        'user-agent': 'sightline-webhook',
        'x-sightline-delivery': id,
        'x-sightline-attempt': String(job.attempts),
      },
      { allowPrivateTargets: this.options.allowPrivateTargets, timeoutMs: this.options.timeoutMs, signal },
    );
    return result.outcome === 'delivered' ? { outcome: 'delivered' } : result;
  }
}
