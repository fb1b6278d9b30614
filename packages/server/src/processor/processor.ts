import type { ProjectWrites } from '../query/reads.js';
import type { StorageEngine } from '../storage/engine.js';
import type {
  InsightRecord,
  InterventionRecord,
  InterventionRule,
  SessionStateRow,
  StateSnapshot,
} from '../storage/processor-records.js';
import { SerialQueue } from '../util/serial-queue.js';
import type { ProcessingContext } from './context.js';
import { DEFAULT_HOLDOUT_PERCENT } from './intervention-rules.js';
import { JourneyStats } from './journey-stats.js';
import { BatchOutputs } from './outputs.js';
import { parseEvent } from './parse-event.js';
import { toProcessorBatch } from './processor-batch.js';
import type { RecentEvents } from './recent-events.js';
import { handleEvent, nextDeadline } from './session-processor.js';
import { isFreshEquivalent, type SessionState } from './session-state.js';
import { DEFAULT_MAX_SESSIONS, SessionTable } from './session-table.js';

export interface ProcessorOptions {
  /** Events read (and committed with one checkpoint) at a time. */
  batchSize: number;
  /** Percent of sessions that get no interventions (hold-out group). */
  holdoutPercent: number;
  /** How often idle sessions are checked against the wall clock; 0 turns the sweep off. */
  sweepIntervalMs: number;
  /** The wall clock (injectable for tests). */
  wallClock: () => number;
  maxSessions: number;
  /** Events may arrive this late (ms behind the newest) before an idle deadline counts as passed. */
  latenessMs: number;
  /** Session state is stored at most this often (with a commit); a restart replays what came after. */
  snapshotIntervalMs: number;
}

export const DEFAULT_PROCESSOR_OPTIONS: ProcessorOptions = {
  batchSize: 2000,
  holdoutPercent: DEFAULT_HOLDOUT_PERCENT,
  sweepIntervalMs: 1000,
  wallClock: Date.now,
  maxSessions: DEFAULT_MAX_SESSIONS,
  latenessMs: 10_000,
  snapshotIntervalMs: 5000,
};

/** What the processor needs of the store (on its own thread, a proxy to the HTTP thread's engine: worker/). */
export type ProcessorStore = Pick<
  StorageEngine,
  'commitProcessorBatch' | 'saveProcessorState' | 'loadProcessorState' | 'health' | 'readEventsAfter'
>;

/** Deadline scans driven by the stream clock happen at most this often (stream time). */
const SCAN_STEP_MS = 1000;
const RETRY_DELAY_MS = 1000;

/** What a commit made durable; listeners deliver interventions and webhooks, and announce the writes. */
export interface CommittedOutputs {
  insights: InsightRecord[];
  interventions: InterventionRecord[];
  /** The data sets the commit touched, per project (BatchOutputs.writes). */
  writes: ProjectWrites;
}

/** Outputs of the next events, computed but not yet committed. */
export interface PreparedBatch {
  /** seq of the last event processed. */
  lastSeq: number;
  /** Events whose outputs are already stored (replay after a restart): not delivered again. */
  replay: boolean;
  events: number;
  outputs: BatchOutputs;
  /** More may be waiting right now: the read was a full batch, or a replay stopped at the checkpoint. */
  more: boolean;
}

interface Globals {
  clock: number;
  nextScanAt: number | null;
  lastScanAt: number | null;
  journeys: ReturnType<JourneyStats['toJSON']>;
}

/**
 * Consumes committed events in seq order (docs/ARCHITECTURE.md, The stream processor): journeys, detectors, insights, interventions.
 * Live and replay share one path: take the events after the checkpoint (handed over in memory by
 * the group committer, or read from the store after a restart), process, and commit the outputs
 * with the new checkpoint in one transaction. Session state is saved separately, at most every
 * `snapshotIntervalMs`; a restart replays from the saved state's position, and outputs it
 * recomputes up to the checkpoint are identical (deterministic ids) and not delivered again.
 */
export class StreamProcessor {
  /** Outputs are stored up to this seq. */
  private checkpoint = 0;
  /** Memory reflects events up to this seq (behind `checkpoint` while replaying after a restart). */
  private processedSeq = 0;
  /** The seq of the last session state stored (a restart replays the events after it). */
  private savedSeq = 0;
  /** Memory is ahead of what is stored (a batch prepared, not committed). */
  private ahead = false;
  /**
   * A commit failed and the stored state could not be read back yet (the store is down): memory
   * must not be trusted, so the next batch or sweep reloads first instead of skipping the events
   * whose outputs were never stored.
   */
  private stale = false;
  private readonly dirty = new Map<string, SessionState>();
  private readonly gone = new Map<string, { project_id: string; session_id: string }>();
  private lastSnapshotAt = Number.NEGATIVE_INFINITY;
  /** The state save in progress (one at a time; it never holds up processing). */
  private saving: Promise<void> | null = null;
  private clock = 0;
  private nextScanAt = Number.POSITIVE_INFINITY;
  private lastScanAt = Number.NEGATIVE_INFINITY;
  private stats = new JourneyStats();
  private readonly sessions: SessionTable;
  private readonly options: ProcessorOptions;
  /** Processing steps run one at a time: each reads and moves the same cursor and session table. */
  private readonly steps = new SerialQueue();
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(outputs: CommittedOutputs) => void>();

  constructor(
    private readonly engine: ProcessorStore,
    private readonly rulesFor: (projectId: string) => readonly InterventionRule[],
    options: Partial<ProcessorOptions> = {},
    /** Committed events handed over in memory; the store is read only for what is not there. */
    private readonly recent?: RecentEvents,
    /** Where events not in `recent` are read (the event log when capture acknowledges on it: log-event-source.ts). */
    private readonly source: Pick<StorageEngine, 'readEventsAfter'> = engine,
  ) {
    this.options = { ...DEFAULT_PROCESSOR_OPTIONS, ...options };
    this.sessions = new SessionTable(this.options.maxSessions);
  }

  get lastSeq(): number {
    return this.checkpoint;
  }

  /** Where a restart replays from (the last saved session state): events after it must stay readable. */
  get replayFrom(): number {
    return this.savedSeq;
  }

  get liveSessions(): number {
    return this.sessions.size;
  }

  /**
   * Called after each commit of new outputs (not a replay's) that touched stored data: journeys,
   * insights, interventions (and their feedback) or friction.
   */
  onCommitted(listener: (outputs: CommittedOutputs) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the last committed state and replays what the store holds after it. */
  async start(): Promise<void> {
    await this.reload();
    if (this.options.sweepIntervalMs > 0) {
      this.sweepTimer = setInterval(
        () => void this.sweep().catch((error: unknown) => this.logUnlessStoreDown(error)),
        this.options.sweepIntervalMs,
      );
      this.sweepTimer.unref();
    }
    void this.notify();
  }

  /**
   * New events were committed: process what is there now (coalesces calls while a run is in
   * progress). Resolves when this run is over, never rejects: a failed run is logged and retried.
   */
  notify(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = this.steps
      .run(() => this.catchUp())
      .catch((error: unknown) => {
        this.logUnlessStoreDown(error);
        setTimeout(() => this.notify(), RETRY_DELAY_MS).unref();
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          void this.notify();
        }
      });
    this.running = run;
    return run;
  }

  /** Resolves once everything stored when it was called has been processed and committed. */
  drain(): Promise<void> {
    return this.steps.run(() => this.catchUp());
  }

  /** Fires deadlines (journey timeouts, stalls, long gaps) against the wall clock. */
  sweep(): Promise<void> {
    return this.steps.run(async () => {
      if (this.stopped) return;
      if (this.stale) await this.reload();
      // Not while replaying: the deadlines were fired (or not) when these events were first processed.
      if (this.processedSeq < this.checkpoint) return;
      const now = this.options.wallClock() - this.options.latenessMs;
      if (now <= this.clock - this.options.latenessMs) return;
      const ctx = this.context();
      this.nextScanAt = this.sessions.expire(ctx, now, true);
      if (!ctx.out.isEmpty())
        await this.commit({
          lastSeq: this.processedSeq,
          replay: false,
          events: 0,
          outputs: ctx.out,
          more: false,
        });
    });
  }

  /** Processes the next events without committing (a crash before the commit loses exactly this). */
  prepareBatch(): Promise<PreparedBatch | null> {
    return this.steps.run(() => this.prepare());
  }

  /** Stops after the work in progress and stores the session state (unless memory is ahead of the store). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.steps.idle();
    await this.saving;
    if (this.ahead || (this.dirty.size === 0 && this.gone.size === 0)) return;
    await this.saveState();
  }

  /**
   * Processes and commits what is there now. It does not go on with events that arrived during
   * its own commit: under a steady trickle that would commit back to back, a few events each,
   * whatever the rate (measured: ~40 commits/s and 1.5 cores at 250 events/s); whoever calls
   * (notify) decides when the next round is worth a commit.
   */
  private async catchUp(): Promise<void> {
    while (!this.stopped) {
      const prepared = await this.prepare();
      if (!prepared) return;
      await this.commit(prepared);
      if (!prepared.more) return;
    }
  }

  private context(): ProcessingContext {
    return {
      out: new BatchOutputs(),
      stats: this.stats,
      wallNow: this.options.wallClock,
      holdoutPercent: this.options.holdoutPercent,
      rulesFor: this.rulesFor,
    };
  }

  private async prepare(): Promise<PreparedBatch | null> {
    if (this.stale) await this.reload();
    const read =
      this.recent?.after(this.processedSeq, this.options.batchSize) ??
      (await this.source.readEventsAfter(this.processedSeq, this.options.batchSize));
    // Replaying: stop at the stored checkpoint, so a batch is either all replay or all new.
    const replay = this.processedSeq < this.checkpoint;
    const events = replay ? read.filter((e) => e.seq <= this.checkpoint) : read;
    const more = replay || read.length >= this.options.batchSize;
    if (events.length === 0) return null;
    this.ahead = true;
    const ctx = this.context();
    for (const stored of events) {
      const e = parseEvent(stored);
      this.clock = Math.max(this.clock, Math.min(e.timestamp, e.received_at));
      if (e.session_id !== '') {
        const s = this.sessions.get(ctx, e.project_id, e.session_id, e.distinct_id);
        // Already in this session's saved state (session-state.ts, applied_seq): never applied twice.
        if ((s.applied_seq ?? 0) >= stored.seq) continue;
        handleEvent(ctx, s, e);
        s.applied_seq = stored.seq;
        this.nextScanAt = Math.min(this.nextScanAt, nextDeadline(s));
      }
      const now = this.clock - this.options.latenessMs;
      if (now >= this.nextScanAt && now >= this.lastScanAt + SCAN_STEP_MS) {
        this.nextScanAt = this.sessions.expire(ctx, now);
        this.lastScanAt = now;
      }
    }
    return { lastSeq: events[events.length - 1]!.seq, replay, events: events.length, outputs: ctx.out, more };
  }

  /** Serialises the sessions changed since the last save (now, synchronously) and saves them. */
  private saveState(): Promise<void> {
    const globals: Globals = {
      clock: this.clock,
      nextScanAt: Number.isFinite(this.nextScanAt) ? this.nextScanAt : null,
      lastScanAt: Number.isFinite(this.lastScanAt) ? this.lastScanAt : null,
      journeys: this.stats.toJSON(),
    };
    const dirty = new Map(this.dirty);
    const gone = new Map(this.gone);
    const sessions: SessionStateRow[] = [];
    const evictedSessions = [...gone.values()];
    for (const s of dirty.values()) {
      // Most sessions hold nothing worth saving at any moment: removing their row is enough.
      if (isFreshEquivalent(s)) evictedSessions.push({ project_id: s.project_id, session_id: s.session_id });
      else sessions.push({ project_id: s.project_id, session_id: s.session_id, state: JSON.stringify(s) });
    }
    const state: StateSnapshot = {
      seq: this.processedSeq,
      globals: JSON.stringify(globals),
      sessions,
      evictedSessions,
    };
    this.dirty.clear();
    this.gone.clear();
    this.lastSnapshotAt = performance.now();
    const save = this.engine.saveProcessorState(state).then(
      () => {
        this.savedSeq = Math.max(this.savedSeq, state.seq);
      },
      (error: unknown) => {
        // Not saved: those sessions go into the next save (unless something newer replaced them).
        for (const [key, s] of dirty) if (!this.gone.has(key)) this.dirty.set(key, s);
        for (const [key, g] of gone) if (!this.dirty.has(key)) this.gone.set(key, g);
        logFailure(error);
      },
    );
    const tracked: Promise<void> = save.finally(() => {
      if (this.saving === tracked) this.saving = null;
    });
    this.saving = tracked;
    return save;
  }

  private async commit(prepared: PreparedBatch): Promise<void> {
    for (const [key, state] of prepared.outputs.touched) {
      this.gone.delete(key);
      this.dirty.set(key, state);
    }
    for (const [key, gone] of prepared.outputs.evicted) {
      this.dirty.delete(key);
      this.gone.set(key, gone);
    }
    this.processedSeq = prepared.lastSeq;
    const checkpoint = Math.max(this.checkpoint, prepared.lastSeq);
    try {
      await this.engine.commitProcessorBatch(toProcessorBatch(checkpoint, prepared.outputs));
    } catch (error) {
      // Memory is ahead of the store now: go back to what was committed (if the store cannot be
      // read now either, the next batch or sweep does it).
      this.stale = true;
      await this.saving;
      await this.reload();
      throw error;
    }
    this.checkpoint = checkpoint;
    this.ahead = false;
    this.recent?.release(this.processedSeq);
    // Only now (outputs up to processedSeq are stored) may the state as of processedSeq be saved.
    const due = performance.now() - this.lastSnapshotAt >= this.options.snapshotIntervalMs;
    if (due && !this.saving) void this.saveState();
    // A replay recomputes outputs that are already stored (and were delivered and announced then).
    if (prepared.replay) return;
    const { insights, interventions } = prepared.outputs;
    const writes = prepared.outputs.writes();
    if (writes.size === 0) return;
    for (const listener of this.listeners) {
      try {
        listener({ insights, interventions, writes });
      } catch (error) {
        logFailure(error);
      }
    }
  }

  /** While the store is down its health says so (and it logged why once): no line per retry. */
  private logUnlessStoreDown(error: unknown): void {
    if (this.engine.health().ok) logFailure(error);
  }

  private async reload(): Promise<void> {
    this.lastSnapshotAt = Number.NEGATIVE_INFINITY;
    const snapshot = await this.engine.loadProcessorState();
    const globals = snapshot.globals ? (JSON.parse(snapshot.globals) as Globals) : null;
    this.checkpoint = snapshot.checkpoint;
    this.processedSeq = snapshot.stateSeq;
    this.savedSeq = snapshot.stateSeq;
    this.ahead = false;
    this.dirty.clear();
    this.gone.clear();
    this.clock = globals?.clock ?? 0;
    this.nextScanAt = globals?.nextScanAt ?? Number.POSITIVE_INFINITY;
    this.lastScanAt = globals?.lastScanAt ?? Number.NEGATIVE_INFINITY;
    this.stats = JourneyStats.fromJSON(globals?.journeys);
    this.sessions.load(snapshot.sessions);
    this.stale = false;
  }
}

function logFailure(error: unknown): void {
  console.error('[sightline] processor:', (error as Error)?.message ?? error);
}
