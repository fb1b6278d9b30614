import type { SqlDialect } from '../sql/dialect.js';
import type { SqlFragment } from '../sql/sql.js';
import type { EventLogLoading } from './log-loading.js';
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
  /**
   * ISO 3166-1 alpha-2 code of the sending client's country, looked up from its address at ingest
   * (the address itself is never stored); '' when unknown, and where not given.
   */
  country?: string;
}

export interface StoredEvent extends EventRow {
  /** Strictly increasing across the whole store; the processor reads by it. */
  seq: number;
  country: string;
}

/** Bot events dropped at ingest (ingest/bots.ts): how many, of a project, on one UTC day. */
export interface BotCount {
  project_id: string;
  /** Start of the UTC day (botCountDay) of the server's clock when they arrived. */
  day: number;
  dropped: number;
}

const DAY_MS = 86_400_000;

/** Start of the UTC day (ms) holding `ms`: the day bot counts are kept by. */
export const botCountDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

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

/**
 * The rollup's time slot: one row per (project, slot, session, distinct id), the slot's start in
 * the rollup tables' `hour` column (named when slots were hours). A quarter of an hour: slots nest
 * in hours and days (hourly and daily figures read them), and what a query reads from events
 * instead — the range's partial first slot and everything after the last closed one — is about
 * 20 minutes of traffic rather than the two hours that hour slots left (at 10 M events a day,
 * sequencing those raw events alone took longer than user_flow's budget).
 */
export const ROLLUP_SLOT_MS = 15 * 60_000;

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
  /** Column expression on `rows`: the row's first or last timestamp over all its names. */
  span(stat: 'first' | 'last'): SqlFragment;
  /**
   * Page views per hour under the same cover, for FROM (read with rowsWhere): project_id, hour,
   * generation, session_id, page_view, path, device, browser, os and each performance metric's
   * largest value (storage/page-view-metrics.ts); absent when the engine keeps none.
   */
  readonly pageViews?: SqlFragment;
  /**
   * Each session-hour's first event under the same cover, for FROM (read with rowsWhere):
   * project_id, hour, generation, session_id (never ''), entry_ts and entry_seq (its timestamp and
   * seq), distinct_id and country; absent when the engine keeps none.
   */
  readonly sessionEntries?: SqlFragment;
  /** The user-flow rollup under the same cover (read with rowsWhere); absent when the engine keeps none. */
  readonly flows?: FlowRollup;
}

/**
 * User-flow pieces per hour (storage/flow-pieces.ts says what a piece is) and their sums, each a
 * relation for FROM with project_id, hour, generation and mode:
 * - `pieces`: session_id, single (the session's only piece of that mode), path (its first labels,
 *   FLOW_PATH_KEPT of them), last_label, and its pairs as parallel lists pair_from, pair_to, pair_n;
 * - `pairSums`: a, b, n — every piece's pairs summed per hour;
 * - `pathSums`: k, path, n — every piece's first k labels counted per hour, for k ≤ pathSumLengths.
 */
export interface FlowRollup {
  readonly pieces: SqlFragment;
  readonly pairSums: SqlFragment;
  readonly pathSums: SqlFragment;
  readonly pathSumLengths: number;
}

/** A read-only dashboard key (a share link) as stored: only the key's sha256, never the key. */
export interface ShareKeyRow {
  id: string;
  project_id: string;
  /** sha256 of the key, hex. */
  key_hash: string;
  label: string;
  created_at: number;
  /** Set once when revoked; a revoked key is kept (listed) but no longer opens anything. */
  revoked_at: number | null;
}

/** A dashboard sign-in (cookie) session as stored: only the sha256 of the cookie's id. */
export interface SignInSessionRow {
  /** sha256 of the session id the cookie carries, hex. */
  id_hash: string;
  project_id: string;
  created_at: number;
  expires_at: number;
  /** Set once when signed out (or signed out everywhere). */
  revoked_at: number | null;
}

/**
 * The records every engine keeps the same way: projects, the stream processor's outputs and state,
 * rules, webhooks, settings, share keys and sign-in sessions. Written once over each engine's
 * RecordExecutor (storage/records/), so every engine behaves alike here.
 */
export interface RecordStorage {
  listProjects(): Promise<Project[]>;
  upsertProject(project: Project): Promise<void>;

  // --- stream processor (docs/ARCHITECTURE.md, The stream processor); tables: journeys, insights, interventions, session_friction ---
  /** The checkpoint, global state and per-session state the last committed batch left. */
  loadProcessorState(): Promise<ProcessorSnapshot>;
  /**
   * Writes every output of a batch and its checkpoint. DuckDB: one transaction, all or nothing.
   * ClickHouse: the checkpoint is checked first and written last, so a commit cut short is redone
   * by the replay from the old checkpoint (same ids, same rows). A batch behind the stored
   * checkpoint is refused before anything is written.
   */
  commitProcessorBatch(batch: ProcessorBatch): Promise<void>;
  /** Saves session state and its seq in one transaction; may run alongside commitProcessorBatch. */
  saveProcessorState(state: StateSnapshot): Promise<void>;
  /** Returns false when the project has no insight with that id. */
  setInsightStatus(projectId: string, id: string, status: InsightStatus, at: number): Promise<boolean>;
  /**
   * Sets the status of a group of insights; returns how many of `ids` (each counted once) the
   * project had. Insights of other projects never change, whatever ids are given.
   */
  setInsightStatuses(
    projectId: string,
    ids: readonly string[],
    status: InsightStatus,
    at: number,
  ): Promise<number>;
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

  // --- dashboard access: read-only share keys and cookie sign-in sessions ---
  /** Every project's share keys, revoked ones included, oldest first. */
  listShareKeys(): Promise<ShareKeyRow[]>;
  /** Stores a new share key (a row with the same project and id is replaced). */
  insertShareKey(row: ShareKeyRow): Promise<void>;
  /**
   * Revokes a project's share key at `at` (a key revoked before keeps its first revoked_at).
   * False when the project has no share key with that id.
   */
  revokeShareKey(projectId: string, id: string, at: number): Promise<boolean>;
  insertSignInSession(row: SignInSessionRow): Promise<void>;
  /** The session with that id hash, revoked or expired ones included (the caller decides); null when none. */
  findSignInSession(idHash: string): Promise<SignInSessionRow | null>;
  /** Revokes one session at `at` (keeps an earlier revoked_at); false when there is none with that hash. */
  revokeSignInSession(idHash: string, at: number): Promise<boolean>;
  /** Signs a project out everywhere: revokes its sessions not revoked yet; returns how many. */
  revokeSignInSessions(projectId: string, at: number): Promise<number>;

  // --- bot events dropped at ingest (table bot_counts; the `bots` query reads it) ---
  /** Adds the counts to what is stored for each (project, day). */
  addBotCounts(counts: readonly BotCount[]): Promise<void>;
}

/**
 * The one interface every storage engine implements (docs/ARCHITECTURE.md, Storage): the records
 * above, written once, and what differs per engine (events, queries, health). Each engine passes
 * the shared conformance suite in test/storage/conformance.ts.
 */
export interface StorageEngine extends RecordStorage {
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
  /**
   * Present when the engine loads the event log itself (log-loading.ts): capture then acknowledges
   * on the log. Absent (ClickHouse): capture commits to the engine directly, or (`--log nats`) to
   * the shared log on NATS, loaded through the engine's partitions (partition-storage.ts).
   */
  readonly logLoading?: EventLogLoading | undefined;
  /** Runs a query built with the engine's dialect; numbers come back as JS numbers. */
  query(fragment: SqlFragment, options?: QueryOptions): Promise<QueryRow[]>;

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
