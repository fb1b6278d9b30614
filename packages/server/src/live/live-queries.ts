import { describeIssues } from '@sightline/schema';
import { ApiError } from '../errors.js';
import { QUERIES } from '../query/index.js';
import type { QueryRunner } from '../query/query-runner.js';
import { type DataSet, readsAny, readsFor } from '../query/reads.js';
import { LiveLanes } from './live-lanes.js';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from './live-limits.js';
import { SharedQuery, type SubscriberSink } from './shared-query.js';

export { DEFAULT_LIVE_INTERVAL_MS } from './live-limits.js';

/**
 * Another project that ran a query within this long counts as using the engine: a dashboard's
 * queries come in bursts a few seconds apart, and live lanes keep resting between them.
 */
const CONTENTION_WINDOW_MS = 5_000;

/** One shared computation, with what it needs to decide whether a write concerns it. */
interface SharedEntry {
  query: SharedQuery;
  projectId: string;
  reads: readonly DataSet[];
}

/** What one project holds: open connections, subscriptions and distinct computations. */
interface ProjectUsage {
  connections: number;
  subscriptions: number;
  computations: number;
}

/**
 * The live query registry: identical (project, query, validated args) subscriptions share one
 * SharedQuery; writes mark them dirty. Per-project limits (live-limits.ts) refuse with `rate_limited`.
 */
export class LiveQueries {
  readonly limits: Readonly<LiveLimits>;
  private readonly shared = new Map<string, SharedEntry>();
  /** The same entries by project, so a write re-runs only its own project's subscriptions. */
  private readonly byProject = new Map<string, Set<SharedEntry>>();
  private readonly usage = new Map<string, ProjectUsage>();
  private readonly lanes: LiveLanes;
  /** Query runs so far (every SharedQuery's); tests check sharing with it. */
  executions = 0;
  /** The same runs by project and query name (see executionsOf). */
  private readonly runsByQuery = new Map<string, number>();

  constructor(
    private readonly runner: QueryRunner,
    limits: Partial<LiveLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LIVE_LIMITS, ...limits };
    this.lanes = new LiveLanes({
      costFactor: this.limits.costFactor,
      contended: (projectId) => runner.othersActive(projectId, CONTENTION_WINDOW_MS),
    });
  }

  /** Counts a new connection of the project (rate_limited past the limit); returns its release. */
  openConnection(projectId: string): () => void {
    const usage = this.usageOf(projectId);
    if (usage.connections >= this.limits.maxConnectionsPerProject) {
      this.forgetIfUnused(projectId, usage);
      throw new ApiError(
        'rate_limited',
        `at most ${this.limits.maxConnectionsPerProject} live connections per project`,
      );
    }
    usage.connections++;
    return once(() => {
      usage.connections--;
      this.forgetIfUnused(projectId, usage);
    });
  }

  /**
   * Validates like `POST /v1/query/<name>` (ApiError on unknown query or bad args, rate_limited past
   * the project's limits); returns the unsubscribe.
   */
  subscribe(projectId: string, name: string, rawArgs: unknown, sink: SubscriberSink): () => void {
    const definition = QUERIES.get(name);
    if (!definition) {
      throw new ApiError('not_found', `unknown query "${name}"; known: ${[...QUERIES.keys()].join(', ')}`);
    }
    const parsed = definition.args.safeParse(rawArgs ?? {});
    if (!parsed.success) throw new ApiError('invalid_arguments', describeIssues(parsed.error));
    // The parsed args (defaults filled, keys in schema order) make the key, so equivalent requests share.
    const key = JSON.stringify([projectId, name, parsed.data]);
    const usage = this.usageOf(projectId);
    let entry = this.shared.get(key);
    const refusal = this.refusal(usage, entry === undefined);
    if (refusal) {
      this.forgetIfUnused(projectId, usage);
      throw new ApiError('rate_limited', refusal);
    }
    if (!entry) {
      const query = new SharedQuery({
        runner: this.runner,
        lanes: this.lanes,
        projectId,
        definition,
        args: parsed.data,
        intervalMs: this.limits.intervalMs,
        costFactor: this.limits.costFactor,
        maxBackoffMs: this.limits.maxBackoffMs,
        onRun: () => {
          this.executions++;
          const runs = JSON.stringify([projectId, name]);
          this.runsByQuery.set(runs, (this.runsByQuery.get(runs) ?? 0) + 1);
        },
      });
      entry = { query, projectId, reads: readsFor(definition.reads, parsed.data) };
      this.shared.set(key, entry);
      this.entriesOf(projectId).add(entry);
      usage.computations++;
    }
    const added = entry;
    const { query } = added;
    usage.subscriptions++;
    query.add(sink);
    return once(() => {
      query.remove(sink);
      usage.subscriptions--;
      if (query.subscriberCount === 0) {
        query.stop();
        this.shared.delete(key);
        this.forgetEntry(added);
        usage.computations--;
      }
      this.forgetIfUnused(projectId, usage);
    });
  }

  /**
   * A write touched `sets` of project `projectId` (null: of any project): re-run (throttled) the
   * subscriptions whose query reads one of them. Others keep their value: the write cannot change it.
   */
  invalidate(projectId: string | null, sets: ReadonlySet<DataSet>): void {
    const entries = projectId === null ? this.shared.values() : (this.byProject.get(projectId) ?? []);
    for (const { query, reads } of entries) if (readsAny(reads, sets)) query.markDirty();
  }

  /** Runs of the project's live `name` queries so far; tests check a write re-runs only what reads it. */
  executionsOf(projectId: string, name: string): number {
    return this.runsByQuery.get(JSON.stringify([projectId, name])) ?? 0;
  }

  get sharedCount(): number {
    return this.shared.size;
  }

  /** Stops every computation and cancels their runs (waiting or running), so shutdown is quick. */
  close(): void {
    for (const { query } of this.shared.values()) query.stop();
    this.shared.clear();
    this.byProject.clear();
    this.usage.clear();
    this.lanes.close();
  }

  private entriesOf(projectId: string): Set<SharedEntry> {
    let entries = this.byProject.get(projectId);
    if (!entries) {
      entries = new Set();
      this.byProject.set(projectId, entries);
    }
    return entries;
  }

  private forgetEntry(entry: SharedEntry): void {
    const entries = this.byProject.get(entry.projectId);
    entries?.delete(entry);
    if (entries?.size === 0) this.byProject.delete(entry.projectId);
  }

  private refusal(usage: ProjectUsage, newComputation: boolean): string | null {
    const { maxSubscriptionsPerProject, maxComputationsPerProject } = this.limits;
    if (usage.subscriptions >= maxSubscriptionsPerProject)
      return `at most ${maxSubscriptionsPerProject} live subscriptions per project`;
    if (newComputation && usage.computations >= maxComputationsPerProject)
      return `at most ${maxComputationsPerProject} distinct live queries (query + args) per project`;
    return null;
  }

  private usageOf(projectId: string): ProjectUsage {
    let usage = this.usage.get(projectId);
    if (!usage) {
      usage = { connections: 0, subscriptions: 0, computations: 0 };
      this.usage.set(projectId, usage);
    }
    return usage;
  }

  private forgetIfUnused(projectId: string, usage: ProjectUsage): void {
    if (usage.connections === 0 && usage.subscriptions === 0 && this.usage.get(projectId) === usage)
      this.usage.delete(projectId);
  }
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
