import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { EventWriter } from './event-writer.js';

/**
 * Small checkpoints, started here rather than by DuckDB's automatic one (measured with
 * bench/loader-commit-latency.ts, 20k events/s; the figures in the s8 report).
 *
 * DuckDB checkpoints automatically on the commit that takes the WAL past `checkpoint_threshold`,
 * and that commit returns only once the checkpoint is done: under ingest it is the loader's, and at
 * 256 MB (~400k events) it stalled the loader 1.5–4.5 s — loader lag p95 0.8–3.9 s. A checkpoint
 * cannot overlap loads anyway: while DuckDB writes `events` into the file, appends to it wait (its
 * per-table checkpoint lock, DuckDB 1.5). What helps is making every stall short: a checkpoint
 * every `walBytes` of WAL (8 MiB: ~13k events, ~100–150 ms), run in turn with the writer's
 * transactions so it never waits for, or interrupts, a load.
 *
 * Small checkpoints leave small row groups behind: DuckDB starts a new one after each checkpoint
 * and its vacuum later merges neighbours, rewriting whole persisted row groups — 1–6 s stalls when
 * checkpoints are this frequent. So these checkpoints run with `max_vacuum_tasks = vacuumTasks`
 * (0: no merges), and the merging waits until ingest is quiet: once no checkpoint was needed for
 * `compactAfterMs`, rounds of at most `compactTasks` merges run (each round stalls loads ~0.5–1.5 s,
 * so never under load) until a round merges nothing. Until then `events` keeps ~13k-row groups,
 * which made aggregates over 2M events 1.1–2.2× slower (figures in the s8 report).
 *
 * Durability is DuckDB's either way: a commit is in the WAL before it returns, whoever checkpoints.
 */
export interface WalCheckpointOptions {
  /** Checkpoint once the WAL file is at least this large. */
  walBytes: number;
  /** How often the WAL's size is looked at (a stat). */
  pollMs: number;
  /** DuckDB's max_vacuum_tasks while these checkpoints run (row-group merges each may do). */
  vacuumTasks: number;
  /**
   * `between-loads`: in turn with the event writer's transactions (its queue), so no load is open
   * while it runs; `concurrent`: on a connection of its own, whatever the loader is doing (measured
   * alike; kept for the bench).
   */
  turn: 'between-loads' | 'concurrent';
  /** Merging row groups starts once no checkpoint was needed for this long. */
  compactAfterMs: number;
  /** max_vacuum_tasks of one merging round (a task merges up to 3 neighbouring row groups). */
  compactTasks: number;
  /** Merging rounds come at most this often. */
  compactEveryMs: number;
}

export const DEFAULT_WAL_CHECKPOINTS: Readonly<WalCheckpointOptions> = {
  walBytes: 8 * 2 ** 20,
  pollMs: 50,
  vacuumTasks: 0,
  turn: 'between-loads',
  compactAfterMs: 30_000,
  compactTasks: 2,
  compactEveryMs: 5_000,
};

/** DuckDB's own checkpoints when nothing runs them in the background (the setting before). */
const AUTOMATIC_THRESHOLD = '256MB';
/**
 * With background checkpoints, DuckDB's automatic one is only a backstop: a WAL this large means
 * they could not run (CHECKPOINT refused while a transaction that updates stayed open).
 */
const BACKSTOP_THRESHOLD = '1GB';

/** The database-wide checkpoint settings, on any connection (SET is global for these). */
export async function applyCheckpointSettings(
  conn: DuckDBConnection,
  background: WalCheckpointOptions | null,
  threshold?: string,
): Promise<void> {
  const automatic = threshold ?? (background ? BACKSTOP_THRESHOLD : AUTOMATIC_THRESHOLD);
  await conn.run(`SET checkpoint_threshold = '${automatic}'`);
  if (!background) return;
  await conn.run(`SET max_vacuum_tasks = ${Math.trunc(background.vacuumTasks)}`);
  // CHECKPOINT skips an empty WAL; merging rounds come when ingest is quiet, when it may well be empty.
  await conn.run('PRAGMA force_checkpoint');
}

/** A failure that repeats is logged again at most this often. */
const LOG_EVERY_MS = 60_000;
/**
 * `CHECKPOINT` refuses (does not wait) while another connection's transaction that updates or
 * deletes is open (the processor's commits, record writes); those are short, so it tries again
 * this soon — each try in its own turn, so loads go on between tries.
 */
const BUSY_RETRY_MS = 5;
const BUSY_TRIES = 40;

/** How the checkpointer reaches the database (store.ts gives it the writer's turn or a connection of its own). */
export interface CheckpointTurn {
  /** Runs the statements one after another, in one turn. */
  run(statements: readonly string[]): Promise<void>;
  /** Row groups of `events` (they tell whether a merging round did anything). */
  rowGroups(): Promise<number>;
  /** Closes what it uses, once the last checkpoint finished. */
  release(): void;
}

export class WalCheckpointer {
  private readonly stop = new AbortController();
  private readonly running: Promise<void>;
  private lastLogged = { message: '', at: 0 };
  /** When a checkpoint was last needed (performance.now()). */
  private lastNeeded = performance.now();
  private lastRound = 0;
  /** Checkpoints without merges left small row groups that no round has merged yet. */
  private unmerged = false;

  constructor(
    private readonly turn: CheckpointTurn,
    /** The database file's WAL (`<path>.wal`). */
    private readonly walPath: string,
    private readonly options: WalCheckpointOptions,
  ) {
    this.running = this.run();
  }

  /** Stops after a checkpoint under way (the store's close checkpoints once more itself). */
  async close(): Promise<void> {
    this.stop.abort();
    await this.running;
    this.turn.release();
  }

  private async run(): Promise<void> {
    const signal = this.stop.signal;
    while (!signal.aborted) {
      await sleep(this.options.pollMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      const walBytes = await stat(this.walPath).then(
        (s) => s.size,
        () => 0,
      );
      const now = performance.now();
      if (walBytes >= this.options.walBytes) {
        this.lastNeeded = now;
        if (await this.checkpoint(['CHECKPOINT'])) this.unmerged ||= this.options.vacuumTasks === 0;
      } else if (this.quietForMerging(now)) {
        this.lastRound = now;
        await this.mergeRound();
      }
    }
  }

  /** Merging may run: small row groups are left and ingest is quiet. */
  private quietForMerging(now: number): boolean {
    return (
      this.unmerged &&
      now - this.lastNeeded >= this.options.compactAfterMs &&
      now - this.lastRound >= this.options.compactEveryMs
    );
  }

  /** One checkpoint that may merge `compactTasks` groups of row groups; merging is done once one merges nothing. */
  private async mergeRound(): Promise<void> {
    const before = await this.turn.rowGroups().catch(() => null);
    const merged = await this.checkpoint([
      `SET max_vacuum_tasks = ${Math.trunc(this.options.compactTasks)}`,
      'CHECKPOINT',
    ]);
    // Back to no merges whatever happened, or the next checkpoint under load would merge.
    await this.turn
      .run([`SET max_vacuum_tasks = ${Math.trunc(this.options.vacuumTasks)}`])
      .catch(() => undefined);
    if (!merged) return;
    const after = await this.turn.rowGroups().catch(() => null);
    if (before !== null && after !== null && after >= before) this.unmerged = false;
  }

  /** Runs a checkpoint's statements, again while CHECKPOINT is refused for a moment; false if it did not run. */
  private async checkpoint(statements: readonly string[]): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.turn.run(statements);
        return true;
      } catch (error) {
        const busy = /other write transactions active/.test((error as Error).message);
        if (busy && attempt < BUSY_TRIES && !this.stop.signal.aborted) {
          await sleep(BUSY_RETRY_MS);
          continue;
        }
        // Busy for long, or a real failure (a full disk: DuckDB then refuses commits too, which
        // the engine's health sees); the next poll tries again.
        this.failed(error as Error);
        return false;
      }
    }
  }

  private failed(error: Error): void {
    const now = Date.now();
    if (error.message === this.lastLogged.message && now - this.lastLogged.at < LOG_EVERY_MS) return;
    this.lastLogged = { message: error.message, at: now };
    console.error(`[sightline] background checkpoint failed (retrying): ${error.message}`);
  }
}

const ROW_GROUPS_OF_EVENTS = "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('events')";

/** Background checkpoints of `instance` in the turn the options ask for (the writer's queue, or a connection of its own). */
export async function startWalCheckpointer(
  instance: DuckDBInstance,
  writer: EventWriter,
  walPath: string,
  options: WalCheckpointOptions,
): Promise<WalCheckpointer> {
  const statements = async (conn: DuckDBConnection, list: readonly string[]) => {
    for (const statement of list) await conn.run(statement);
  };
  const own = options.turn === 'concurrent' ? await instance.connect() : null;
  const run = (list: readonly string[]) =>
    own ? statements(own, list) : writer.exclusive((conn) => statements(conn, list));
  const turn: CheckpointTurn = {
    run,
    rowGroups: async () => {
      const conn = own ?? (await instance.connect());
      try {
        const reader = await conn.runAndReadAll(ROW_GROUPS_OF_EVENTS);
        return Number(reader.getRows()[0]?.[0] ?? 0);
      } finally {
        if (!own) conn.closeSync();
      }
    },
    release: () => own?.closeSync(),
  };
  return new WalCheckpointer(turn, walPath, options);
}
