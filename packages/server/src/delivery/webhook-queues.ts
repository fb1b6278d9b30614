/**
 * Per-project delivery queues with fair scheduling: each project has its own bounded queue and
 * at most `perProjectConcurrency` attempts in flight; the global cap is handed out round-robin
 * over the projects that have work. A project whose receiver hangs therefore holds only its own
 * slots (each for at most one attempt's timeout) and only its own deliveries wait.
 */

export interface QueueLimits {
  /** Deliveries one project may have waiting (queued or between retries); beyond it the oldest is dropped. */
  maxQueuedPerProject: number;
  /** Attempts in flight for one project. */
  perProjectConcurrency: number;
  /** Attempts in flight overall. */
  globalConcurrency: number;
  /** Attempts per delivery before it is dropped. */
  maxAttempts: number;
  /** Delay before the first retry; doubles with each attempt. */
  baseDelayMs: number;
}

/** Per-project counts since the server started (for metrics and operators). */
export interface DeliveryCounters {
  /** Deliveries the receiver accepted (2xx). */
  delivered: number;
  /** Attempts that failed (error answer, redirect, timeout, network error, refused target). */
  failed: number;
  /** Deliveries given up: queue full, out of attempts, target refused, or the server stopping. */
  dropped: number;
  /** The reason of the last failed attempt, for operators. */
  lastFailure: string | null;
}

/** What one attempt of a job came to. */
export type JobOutcome =
  | { outcome: 'delivered' }
  | { outcome: 'failed'; reason: string }
  /** Will fail the same way every time: dropped without retries. */
  | { outcome: 'refused'; reason: string };

export interface Job<T> {
  projectId: string;
  item: T;
  /** Attempts made so far (the one being run included, inside `run`). */
  attempts: number;
}

interface ProjectQueue<T> {
  projectId: string;
  ready: Job<T>[];
  /** Jobs waiting for their retry delay. */
  waiting: number;
  active: number;
  /** In the round-robin rotation (it has ready jobs). */
  rotating: boolean;
}

export class FairQueues<T> {
  private readonly queues = new Map<string, ProjectQueue<T>>();
  private readonly counters = new Map<string, DeliveryCounters>();
  /** Projects with ready jobs, in turn order. */
  private readonly rotation: ProjectQueue<T>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly stopping = new AbortController();
  private active = 0;

  constructor(
    private readonly limits: QueueLimits,
    private readonly run: (job: Job<T>, signal: AbortSignal) => Promise<JobOutcome>,
  ) {}

  /** Queues one delivery for a project (dropping that project's oldest waiting one when full). */
  push(projectId: string, item: T): void {
    if (this.stopping.signal.aborted) return;
    const queue = this.queueFor(projectId);
    if (queue.ready.length + queue.waiting >= this.limits.maxQueuedPerProject) {
      this.count(projectId).dropped++;
      if (queue.ready.length === 0) return; // all waiting for retries: the new one goes
      queue.ready.shift();
    }
    queue.ready.push({ projectId, item, attempts: 0 });
    this.makeReady(queue);
    this.pump();
  }

  /** Counts for one project (zeros if it never had a delivery). */
  countersFor(projectId: string): DeliveryCounters {
    return { ...(this.counters.get(projectId) ?? newCounters()) };
  }

  /** Deliveries queued, waiting for a retry or in flight, over all projects. */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.ready.length + q.waiting + q.active;
    return n;
  }

  /** Drops everything queued, cancels retries and aborts attempts in flight. */
  stop(): void {
    this.stopping.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const [projectId, queue] of this.queues) {
      this.count(projectId).dropped += queue.ready.length + queue.waiting;
      queue.ready.length = 0;
      queue.waiting = 0;
    }
    this.rotation.length = 0;
  }

  private queueFor(projectId: string): ProjectQueue<T> {
    let queue = this.queues.get(projectId);
    if (!queue) {
      queue = { projectId, ready: [], waiting: 0, active: 0, rotating: false };
      this.queues.set(projectId, queue);
    }
    return queue;
  }

  private count(projectId: string): DeliveryCounters {
    let c = this.counters.get(projectId);
    if (!c) {
      c = newCounters();
      this.counters.set(projectId, c);
    }
    return c;
  }

  private makeReady(queue: ProjectQueue<T>): void {
    if (queue.rotating || queue.ready.length === 0) return;
    queue.rotating = true;
    this.rotation.push(queue);
  }

  /** Starts attempts while global slots are free, one job per project per turn. */
  private pump(): void {
    while (!this.stopping.signal.aborted && this.active < this.limits.globalConcurrency) {
      const job = this.nextJob();
      if (!job) return;
      void this.attempt(job);
    }
  }

  /** The next project in turn with a ready job and a free slot of its own; it goes to the back. */
  private nextJob(): Job<T> | undefined {
    for (let seen = this.rotation.length; seen > 0; seen--) {
      const queue = this.rotation.shift()!;
      if (queue.ready.length === 0) {
        queue.rotating = false;
        this.forgetIfIdle(queue);
        continue;
      }
      this.rotation.push(queue);
      if (queue.active >= this.limits.perProjectConcurrency) continue;
      queue.active++;
      return queue.ready.shift();
    }
    return undefined;
  }

  private async attempt(job: Job<T>): Promise<void> {
    const queue = this.queueFor(job.projectId);
    this.active++;
    job.attempts++;
    let result: JobOutcome;
    try {
      result = await this.run(job, this.stopping.signal);
    } catch (error) {
      result = { outcome: 'failed', reason: (error as Error)?.message ?? String(error) };
    }
    this.active--;
    queue.active--;
    this.settle(job, queue, result);
    this.forgetIfIdle(queue);
    this.pump();
  }

  private settle(job: Job<T>, queue: ProjectQueue<T>, result: JobOutcome): void {
    const counters = this.count(job.projectId);
    if (result.outcome === 'delivered') {
      counters.delivered++;
      return;
    }
    counters.failed++;
    counters.lastFailure = result.reason;
    const retry =
      result.outcome === 'failed' && job.attempts < this.limits.maxAttempts && !this.stopping.signal.aborted;
    if (!retry) {
      counters.dropped++;
      return;
    }
    queue.waiting++;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        queue.waiting--;
        queue.ready.push(job);
        this.makeReady(queue);
        this.pump();
      },
      this.limits.baseDelayMs * 2 ** (job.attempts - 1),
    );
    timer.unref();
    this.timers.add(timer);
  }

  /** A project with nothing queued, waiting or in flight leaves the map (its counters stay). */
  private forgetIfIdle(queue: ProjectQueue<T>): void {
    if (queue.ready.length === 0 && queue.waiting === 0 && queue.active === 0 && !queue.rotating) {
      this.queues.delete(queue.projectId);
    }
  }
}

function newCounters(): DeliveryCounters {
  return { delivered: 0, failed: 0, dropped: 0, lastFailure: null };
}
