import type { SqlDialect } from '../sql/dialect.js';
import type { SqlFragment } from '../sql/sql.js';
import type {
  InsightStatus,
  InterventionRecord,
  InterventionRule,
  ProcessorBatch,
  ProcessorSnapshot,
  ProjectRules,
  StateSnapshot,
  WebhookConfig,
} from './processor-records.js';

/** One event as stored, before the engine numbers it. Columns follow docs/ARCHITECTURE.md, Storage. */
export interface EventRow {
  project_id: string;
  uuid: string;
  event: string;
  distinct_id: string;
  session_id: string;
  /** ms since epoch, client time corrected for clock skew. */
  timestamp: number;
  /** ms since epoch, server time. */
  received_at: number;
  url: string;
  path: string;
  referrer: string;
  browser: string;
  os: string;
  device: string;
  /** JSON text of the properties object, as received. */
  properties: string;
}

export interface StoredEvent extends EventRow {
  /** Strictly increasing across the whole store; the processor reads by it. */
  seq: number;
}

export interface InsertResult {
  /** seq of input row i is `firstSeq + i` when `inserted[i] === 1`. */
  firstSeq: number;
  /** 1 where the row was stored, 0 where its (project_id, uuid) was already stored or repeated in the same call. */
  inserted: Uint8Array;
}

export interface Project {
  id: string;
  name: string;
  public_key: string;
  /** sha256 of the secret key, hex. The plain secret is never stored in the database. */
  secret_key_hash: string;
  created_at: number;
}

/** A project's settings as stored: JSON text the engine keeps without reading it. */
export interface ProjectSettingsRow {
  project_id: string;
  settings_json: string;
}

export interface ExportRange {
  from: number;
  to: number;
}

/** The store's health (HealthMonitor in storage/engine-health.ts keeps it). */
export interface EngineHealth {
  ok: boolean;
  /** Why it is unusable, in a few words safe to show anyone (no paths, no SQL). */
  reason?: string;
  /** Since when it is unusable (ms since epoch). */
  since?: number;
}

export type StorageErrorKind = 'data' | 'storage';

export type QueryRow = Record<string, string | number | boolean | null>;

/** How long a query may run, and how to stop it sooner (query/query-runner.ts sets both). */
export interface QueryOptions {
  /** Aborting it cancels the engine's work (DuckDB interrupt, ClickHouse KILL QUERY); the call rejects. */
  signal?: AbortSignal;
  /** Time left of the query's budget: engines that can enforce a limit themselves (ClickHouse's
   * max_execution_time) do, so the work stops even where an abort cannot reach it. */
  timeoutMs?: number;
}

/** The rollup's bucket: one row per (project, clock hour, session, distinct id). */
export const ROLLUP_HOUR_MS = 3_600_000;

/** What a rollup holds at one moment (one consistent read). */
export interface RollupCover {
  /** The last refresh that committed; 0 before the first (then no row exists). */
  generation: number;
  /**
   * Rows of generation <= `generation` hold exactly the events with seq <= coveredSeq and
   * 0 <= timestamp < coveredEnd (a whole number of hours); every other event is only in `events`.
   */
  coveredSeq: number;
  coveredEnd: number;
  /** The rollup's id of each name asked for; a name without one is in no row. */
  nameIds: Map<string, number>;
}

/**
 * The hourly session rollup as the query layer reads it, whatever the engine stores it as: rows
 * per session-hour that stand for that session-hour's events, and SQL to read them. Rows are only
 * appended, each tagged with the refresh that wrote it, so a reader that keeps to the generation
 * of the cover it read sees one consistent cover while later refreshes commit.
 */
export interface SessionRollupCapability {
  /** The cover now, and the ids of `names`, read through `query` (so the caller's budget applies). */
  readCover(
    query: (fragment: SqlFragment) => Promise<QueryRow[]>,
    names: readonly string[],
  ): Promise<RollupCover>;
  /**
   * The rows as a relation for FROM, with columns: project_id, hour (ms, start of the hour),
   * session_id, distinct_id, events (the session-hour's event count) and single (true on a
   * session's only row in the snapshot, so its aggregates are the session's without grouping).
   */
  readonly rows: SqlFragment;
  /** Condition on `rows`: `projectId`'s rows of hours in [fromHour, toHour) as of `generation`. */
  rowsWhere(projectId: string, generation: number, fromHour: number, toHour: number): SqlFragment;
  /**
   * Column expression on `rows`: the event count, first or last timestamp of one name in the row
   * (its id from readCover; undefined for a name without one); NULL when the row has none of it.
   */
  perName(stat: 'count' | 'first' | 'last', nameId: number | undefined): SqlFragment;
}

/**
 * The one interface every storage engine implements (docs/ARCHITECTURE.md, Storage). Each engine passes
 * the shared conformance suite in test/storage/conformance.ts.
 */
export interface StorageEngine {
  readonly name: string;
  readonly dialect: SqlDialect;
  /** Stores the rows in one durable transaction; resolves only after the commit. Dedupes by (project_id, uuid). */
  insertEvents(rows: readonly EventRow[]): Promise<InsertResult>;
  /** Events with seq > afterSeq, in seq order, across projects. */
  readEventsAfter(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  /** A project's events with from <= timestamp < to, oldest first (timestamp, then seq), in chunks. */
  exportEvents(projectId: string, range: ExportRange): AsyncIterable<StoredEvent[]>;
  countEvents(projectId: string, range: ExportRange): Promise<number>;
  /**
   * Present when the engine keeps an hourly session rollup (DuckDB: storage/duckdb/session-rollup.ts).
   * The engine refreshes it on its own; this refreshes it now for hours that ended before `now`
   * (benchmarks, tests) and returns the rows written.
   */
  refreshSessionRollup?(now?: number): Promise<number>;
  /**
   * How queries read that rollup (query/session-rollup.ts): absent when the engine keeps none, and
   * whenever refreshSessionRollup is (a view of the engine that hides one hides both).
   */
  readonly rollup?: SessionRollupCapability | undefined;
  /** Runs a query built with the engine's dialect; numbers come back as JS numbers. */
  query(fragment: SqlFragment, options?: QueryOptions): Promise<QueryRow[]>;
  listProjects(): Promise<Project[]>;
  upsertProject(project: Project): Promise<void>;

  // --- stream processor (docs/ARCHITECTURE.md, The stream processor); tables: journeys, insights, interventions, session_friction ---
  /** The checkpoint, global state and per-session state the last committed batch left. */
  loadProcessorState(): Promise<ProcessorSnapshot>;
  /** Writes every output of a batch and its checkpoint in one transaction: all or nothing. */
  commitProcessorBatch(batch: ProcessorBatch): Promise<void>;
  /** Saves session state and its seq in one transaction; may run alongside commitProcessorBatch. */
  saveProcessorState(state: StateSnapshot): Promise<void>;
  /** Returns false when the project has no insight with that id. */
  setInsightStatus(projectId: string, id: string, status: InsightStatus, at: number): Promise<boolean>;
  /** Interventions of a session not yet delivered (hold-out excluded), oldest first. */
  pendingInterventions(projectId: string, sessionId: string): Promise<InterventionRecord[]>;
  markInterventionsDelivered(ids: readonly string[], at: number): Promise<void>;
  listInterventionRules(): Promise<ProjectRules[]>;
  /** Replaces a project's rules; null goes back to the defaults. */
  setInterventionRules(projectId: string, rules: InterventionRule[] | null): Promise<void>;
  listWebhooks(): Promise<WebhookConfig[]>;
  /** Sets or (null) removes a project's webhook. */
  setWebhook(projectId: string, url: string | null): Promise<void>;
  /** Every project's stored settings (projects/key-settings.ts reads the JSON). */
  listProjectSettings(): Promise<ProjectSettingsRow[]>;
  /** Replaces a project's settings (JSON text); null removes them, back to the defaults. */
  setProjectSettings(projectId: string, settingsJson: string | null): Promise<void>;

  // --- health (storage/engine-health.ts): a broken store answers 503 and recovers on its own ---
  /** Whether the store is usable now; while it is not, every call fails fast and recovery runs in the background. */
  health(): EngineHealth;
  /** Tries to make the store usable now (joins an attempt under way); true once it is. */
  recover(): Promise<boolean>;
  /**
   * What an error of this engine was about: `storage` when the store itself failed (disk, I/O, a
   * broken database, the server out of reach, out of memory): the same work fails again until it
   * recovers; `data` for anything about the call itself (its rows, its SQL, its cancellation).
   */
  classifyError(error: unknown): StorageErrorKind;

  close(): Promise<void>;
}
