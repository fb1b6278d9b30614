import { exitEvents } from './exit.js';
import { interventionReaction, listenForInterventions, type ReceivedIntervention } from './interventions.js';
import { createRng, type Rng, uuidv7 } from './prng.js';
import { RESCUE_SHARE, rescuedEvents } from './rescue.js';
import {
  type FrictionOptions,
  generateSession,
  type SessionOptions,
  type SimulatedSession,
} from './session.js';
import type { SimEvent } from './timeline.js';

export interface TrafficOptions {
  /** Sightline's origin, e.g. http://127.0.0.1:8787; events go to `${url}/v1/events`. */
  url: string;
  /** The project's public key. */
  key: string;
  /** Target events per second, held from the first second (see spawnUpTo). */
  rate: number;
  /** Stop after this long (default: until stop()). Sessions still running then leave the page. */
  durationMs?: number;
  seed?: number;
  friction?: Partial<FrictionOptions>;
  /** Origin the simulated pages claim to be on (default: url). */
  origin?: string;
  /** Events per request, like the SDK's batchSize (default 50). */
  batchSize?: number;
  /** Requests in flight at once (default 4); what is due meanwhile waits in a bounded queue. */
  maxInFlight?: number;
  /** How often due events are collected and sent (default 100 ms). */
  tickMs?: number;
  /**
   * Sessions with friction listen for interventions (SSE, like the SDK) and answer them like a
   * visitor: `$intervention_shown`, then accepted or dismissed (default false).
   */
  interventions?: boolean;
  /** Events allowed to wait while the server is slow (default 100 000); beyond, the oldest are dropped. */
  maxQueued?: number;
}

export interface TrafficStats {
  sessionsStarted: number;
  sessionsFinished: number;
  /** Sessions still running when the run ended (they left the page: journeys abandoned). */
  sessionsCut: number;
  eventsSent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Requests that failed (network or non-200) after their retries. */
  requestErrors: number;
  /** Interventions the sessions received over SSE (and answered). */
  interventionsReceived: number;
  /** Sessions that were about to leave and stayed after accepting an intervention. */
  sessionsRescued: number;
  /** Events dropped because the queue was full. */
  dropped: number;
  queued: number;
  inFlight: number;
  activeSessions: number;
  elapsedMs: number;
  lastError?: string;
}

interface Running {
  session: SimulatedSession;
  /** The session's own seed: replayed to continue it when an intervention keeps the visitor. */
  seed: number;
  /** Events before this index were handed to the queue. */
  cursor: number;
  /** Closes the session's intervention stream. */
  stopListening?: () => void;
}

interface Queued {
  event: SimEvent;
  attempts: number;
}

const MAX_ATTEMPTS = 3;
/** The window whose scheduled events the spawner keeps at `rate` (see spawnUpTo). */
const LOOKAHEAD_MS = 1000;
/** How long stop() waits for requests in flight and the queue to drain. */
const STOP_FLUSH_MS = 3000;

/**
 * Sends simulated sessions through the real capture API in real time: sessions overlap, and each
 * event is sent when its moment comes (with that moment as its timestamp), so the processor and
 * the live dashboard see pauses, stalls and bursts as they would from browsers.
 */
export class TrafficSimulator {
  private readonly rng: Rng;
  private readonly running: Running[] = [];
  private readonly queue: Queued[] = [];
  private readonly counts: Omit<TrafficStats, 'queued' | 'inFlight' | 'activeSessions' | 'elapsedMs'> = {
    sessionsStarted: 0,
    sessionsFinished: 0,
    sessionsCut: 0,
    eventsSent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    requestErrors: 0,
    interventionsReceived: 0,
    sessionsRescued: 0,
    dropped: 0,
  };
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  /**
   * The spawner's spent budget: events taken from sessions so far (sent or queued), plus any
   * shortfall forgiven after a stall (see spawnUpTo).
   */
  private spent = 0;
  private ending = false;
  private resolveDone!: (stats: TrafficStats) => void;
  /** Resolves once the run ended (duration over or stop()) and every request was answered. */
  readonly done: Promise<TrafficStats>;

  constructor(private readonly options: TrafficOptions) {
    if (!(options.rate > 0)) throw new Error('rate must be > 0 events/s');
    this.rng = createRng(options.seed ?? Date.now());
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  start(): this {
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 100);
    this.tick();
    return this;
  }

  /** Ends the run now: running sessions leave the page, the queue is flushed (for up to 3 s). */
  async stop(): Promise<TrafficStats> {
    if (!this.ending) this.end(Date.now());
    const flushed = await Promise.race([
      this.done,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), STOP_FLUSH_MS).unref()),
    ]);
    if (flushed) return flushed;
    this.finish();
    return this.done;
  }

  stats(): TrafficStats {
    return {
      ...this.counts,
      queued: this.queue.length,
      inFlight: this.inFlight,
      activeSessions: this.running.length,
      elapsedMs: this.startedAt ? Date.now() - this.startedAt : 0,
    };
  }

  private tick(): void {
    const now = Date.now();
    const endAt = this.startedAt + (this.options.durationMs ?? Number.POSITIVE_INFINITY);
    if (!this.ending && now >= endAt) this.end(now);
    if (!this.ending) this.spawnUpTo(now);
    for (let i = this.running.length - 1; i >= 0; i--) {
      const run = this.running[i]!;
      const events = run.session.events;
      while (run.cursor < events.length && events[run.cursor]!.timestamp <= now) {
        this.spent++;
        this.enqueue(events[run.cursor++]!);
      }
      if (run.cursor === events.length) {
        this.running.splice(i, 1);
        run.stopListening?.();
        this.counts.sessionsFinished++;
      }
    }
    this.pump();
  }

  /**
   * Holds the average at `rate`: by the end of the next second, the events released so far plus
   * those already scheduled in [now, now + 1 s) should be rate × elapsed; new sessions fill the
   * gap. Sessions are bursty (upload progress, a page load's events, answers to interventions), so
   * a budget over the whole run — not just the next second — spawns fewer sessions after a burst
   * instead of letting every burst add to the rate. The rate holds from the first second.
   */
  private spawnUpTo(now: number): void {
    const horizon = now + LOOKAHEAD_MS;
    let scheduled = 0;
    for (const run of this.running) scheduled += countBefore(run, horizon);
    let deficit = (this.options.rate * (horizon - this.startedAt)) / 1000 - this.spent - scheduled;
    // After a stall (a paused process, a slow machine) the shortfall is forgiven, not caught up in
    // one burst: never more than one second's worth of new events at once.
    const oneSecond = (this.options.rate * LOOKAHEAD_MS) / 1000;
    if (deficit > oneSecond) {
      this.spent += deficit - oneSecond;
      deficit = oneSecond;
    }
    while (deficit > 0) {
      const startMs = now + Math.floor(this.rng.next() * LOOKAHEAD_MS);
      const seed = this.rng.int(0, 0x7fffffff);
      const session = generateSession(createRng(seed), startMs, this.sessionOptions());
      const run: Running = { session, seed, cursor: 0 };
      this.running.push(run);
      if (this.options.interventions && session.factors.length > 0)
        run.stopListening = listenForInterventions(
          this.options.url,
          this.options.key,
          session.sessionId,
          (iv) => this.react(run, iv),
        );
      this.counts.sessionsStarted++;
      // At least one: a session always has events in its first second (page_view), but be safe.
      deficit -= Math.max(1, countBefore(run, horizon));
    }
  }

  private end(now: number): void {
    this.ending = true;
    for (const run of this.running) {
      const sent = run.session.events.slice(0, run.cursor);
      for (const e of exitEvents(sent, now, (t) => uuidv7(this.rng, t))) this.enqueue(e);
      this.counts.sessionsCut++;
      run.stopListening?.();
    }
    this.running.length = 0;
    this.pump();
  }

  /** Schedules the visitor's answer to an intervention among the session's remaining events. */
  private react(run: Running, intervention: ReceivedIntervention): void {
    if (this.ending || !this.running.includes(run)) return;
    this.counts.interventionsReceived++;
    const events = run.session.events;
    const last = events[Math.max(0, run.cursor - 1)]!;
    const reaction = interventionReaction(this.rng, last, intervention, Date.now());
    for (const e of reaction) {
      let at = events.length;
      while (at > run.cursor && events[at - 1]!.timestamp > e.timestamp) at--;
      events.splice(at, 0, e);
    }
    // Some visitors who accept the help stay to the end instead of leaving: the measured effect
    // of interventions against the hold-out (who get none) is then real in the demo data.
    const answer = reaction[reaction.length - 1];
    if (answer?.properties['result'] !== 'accepted' || !this.rng.chance(RESCUE_SHARE)) return;
    const rescued = rescuedEvents(run.session, run.seed, this.sessionOptions(), run.cursor, answer.timestamp);
    if (!rescued) return;
    events.splice(0, events.length, ...rescued);
    run.session.outcome = 'analysed';
    this.counts.sessionsRescued++;
  }

  private sessionOptions(): SessionOptions {
    return {
      origin: this.options.origin ?? this.options.url,
      ...(this.options.friction ? { friction: this.options.friction } : {}),
    };
  }

  private enqueue(event: SimEvent, attempts = 0): void {
    this.queue.push({ event, attempts });
    const limit = this.options.maxQueued ?? 100_000;
    if (this.queue.length > limit)
      this.counts.dropped += this.queue.splice(0, this.queue.length - limit).length;
  }

  private pump(): void {
    const maxInFlight = this.options.maxInFlight ?? 4;
    const batchSize = this.options.batchSize ?? 50;
    while (this.inFlight < maxInFlight && this.queue.length > 0) {
      this.inFlight++;
      void this.send(this.queue.splice(0, batchSize)).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
    if (this.ending && this.queue.length === 0 && this.inFlight === 0) this.finish();
  }

  private finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.resolveDone(this.stats());
  }

  private async send(batch: Queued[]): Promise<void> {
    const body = JSON.stringify({
      api_key: this.options.key,
      batch: batch.map((q) => q.event),
      sent_at: Date.now(),
    });
    let retriable = true;
    try {
      const res = await fetch(`${this.options.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answer = (await res.json().catch(() => ({}))) as {
        accepted?: number;
        duplicates?: number;
        rejected?: unknown[];
        message?: string;
      };
      if (res.status === 200) {
        this.counts.eventsSent += batch.length;
        this.counts.accepted += answer.accepted ?? 0;
        this.counts.duplicates += answer.duplicates ?? 0;
        this.counts.rejected += answer.rejected?.length ?? 0;
        return;
      }
      // 503 (shutting down, overloaded, storage) is worth retrying; a 4xx will not get better.
      retriable = res.status >= 500;
      this.counts.lastError = `HTTP ${res.status}: ${answer.message ?? ''}`.trim();
    } catch (error) {
      this.counts.lastError = (error as Error).message;
    }
    const again = batch.filter((q) => retriable && q.attempts + 1 < MAX_ATTEMPTS && !this.ending);
    if (again.length < batch.length) {
      this.counts.requestErrors++;
      this.counts.eventsSent += batch.length - again.length;
      if (!retriable) this.counts.rejected += batch.length;
    }
    // Back to the front, in order: a session's events keep their order.
    this.queue.unshift(...again.map((q) => ({ event: q.event, attempts: q.attempts + 1 })));
  }
}

/** Events of a running session due before `t` and not yet queued. */
function countBefore(run: Running, t: number): number {
  const events = run.session.events;
  let i = run.cursor;
  while (i < events.length && events[i]!.timestamp < t) i++;
  return i - run.cursor;
}

/** Runs a simulation to its end (duration, or `signal` aborting) and returns the totals. */
export async function runTraffic(options: TrafficOptions, signal?: AbortSignal): Promise<TrafficStats> {
  const sim = new TrafficSimulator(options).start();
  const onAbort = () => void sim.stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await sim.done;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
