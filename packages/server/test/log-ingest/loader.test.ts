import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { DurableEnd } from '../../src/log/file/durable-end.js';
import { type FileEventLog, openFileEventLog } from '../../src/log/index.js';
import { sql } from '../../src/sql/sql.js';
import { type DuckDbStorageEngine, openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import type { LogLoaderArgs } from '../../src/storage/log-loading.js';
import { DUCKDB_FILE } from '../../src/storage/open-engine.js';
import { eventually, logContents, rowsNamed, tempDirs } from './fixtures.js';

/** Small batches, so a run is many load transactions and closing lands between (or in) them. */
const BATCH = 100;
/** Short waits, so recovery from a dead database thread is quick. */
const FAST_RECOVERY = { initialDelayMs: 100, maxDelayMs: 400, probeTimeoutMs: 5_000 };

/** storage/duckdb/log-loader.ts on a real DuckDB file and a real event log. */
describe('the DuckDB log loader', () => {
  const dirs = tempDirs('loader');
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close().catch(() => undefined);
    dirs.removeAll();
  });

  const openEngine = async (dataDir: string) => {
    const engine = await openDuckDbEngine(
      { path: join(dataDir, DUCKDB_FILE), rollupRefreshMs: 0 },
      FAST_RECOVERY,
    );
    open.push(engine);
    return engine;
  };

  /** A new data directory with an event log (its loader registered) and a DuckDB engine on it. */
  const logAndEngine = async () => {
    const dataDir = dirs.make();
    const log = await openFileEventLog(dataDir);
    open.push(log);
    await log.consumers.register('loader');
    return { dataDir, log, engine: await openEngine(dataDir) };
  };

  /** Starts the engine's loader on `log`, as openLogIngest does; resolves with the cell it publishes its position in. */
  const startLoader = async (
    engine: DuckDbStorageEngine,
    log: FileEventLog,
    more: Partial<LogLoaderArgs> = {},
  ): Promise<DurableEnd> => {
    const loaded = new DurableEnd();
    await engine.logLoading!.startLogLoader({
      log: log.readerHandoff(),
      loaded: loaded.shared,
      from: log.bounds().start,
      maxRecords: BATCH,
      ...more,
    });
    return loaded;
  };

  const appendRows = async (log: FileEventLog, prefix: string, n: number, perAppend = 250) => {
    for (let i = 0; i < n; i += perAppend)
      await log.append(
        rowsNamed(`${prefix}-${i}`, Math.min(perAppend, n - i)).map((row) => JSON.stringify(row)),
      );
  };

  const storedCounts = async (engine: DuckDbStorageEngine) => {
    const [row] = await engine.query(
      sql`SELECT count(*) AS n, count(DISTINCT uuid) AS uuids, coalesce(max(seq), 0) AS max_seq FROM events`,
    );
    const [position] = await engine.query(
      sql`SELECT next_offset FROM event_log_position WHERE consumer = ${'loader'}`,
    );
    return {
      n: row!['n'],
      uuids: row!['uuids'],
      maxSeq: row!['max_seq'],
      position: position?.['next_offset'],
    };
  };

  /** Every stored event's seq is its log offset + 1. */
  const expectSeqIsOffsetPlusOne = async (engine: DuckDbStorageEngine, log: FileEventLog) => {
    const offsetOf = new Map((await logContents(log)).map((r) => [r.row.uuid, r.offset]));
    const stored = await engine.query(sql`SELECT uuid, seq FROM events WHERE seq > ${log.bounds().start}`);
    expect(stored.length).toBe(offsetOf.size);
    const wrong = stored.filter((r) => r['seq'] !== offsetOf.get(String(r['uuid']))! + 1);
    expect(wrong).toEqual([]);
  };

  it('stores every record exactly once with its position, across a close in the middle of loading', async () => {
    const { dataDir, log, engine } = await logAndEngine();
    const loaded = await startLoader(engine, log);
    await appendRows(log, 'first', 3_000);
    // Close while it is still loading (it has 30 transactions to go through).
    await eventually('the loader started', () => (loaded.get() > 0 ? true : null));
    await engine.close();
    const atClose = loaded.get();
    // Appended while the database is closed: the next run has these to load too.
    await appendRows(log, 'second', 2_000);

    const reopened = await openEngine(dataDir);
    const stored = await storedCounts(reopened);
    // What the loader published before closing is what committed: rows and position together.
    expect(stored.position).toBe(atClose);
    expect(stored.n).toBe(atClose);
    const resumed = await startLoader(reopened, log);
    await eventually('loaded to the end', () => (resumed.get() === 5_000 ? true : null));
    expect(await storedCounts(reopened)).toEqual({ n: 5_000, uuids: 5_000, maxSeq: 5_000, position: 5_000 });
    await expectSeqIsOffsetPlusOne(reopened, log);
  });

  it('continues the numbering of a store that held events before the log: seq = offset + 1', async () => {
    const dataDir = dirs.make();
    const engine = await openEngine(dataDir);
    await engine.insertEvents(rowsNamed('before-log', 40));
    const [last] = await engine.query(sql`SELECT max(seq) AS n FROM events`);
    const log = await openFileEventLog(dataDir, { firstOffset: Number(last!['n']) });
    open.push(log);
    await log.consumers.register('loader');
    const loaded = await startLoader(engine, log);
    await appendRows(log, 'after-log', 500, 70);
    await eventually('loaded to the end', () => (loaded.get() === 540 ? true : null));
    expect(await storedCounts(engine)).toEqual({ n: 540, uuids: 540, maxSeq: 540, position: 540 });
    await expectSeqIsOffsetPlusOne(engine, log);
  });

  it('lingers for company until a read waits for what it holds, then loads at once', async () => {
    const { log, engine } = await logAndEngine();
    const readsWaitFor = new DurableEnd();
    // A linger no test outlasts: only a waiting read can make this loader load a small batch.
    const loaded = await startLoader(engine, log, {
      readsWaitFor: readsWaitFor.shared,
      cadence: { lingerMs: 600_000, fullBatch: BATCH },
    });
    // Records already in the log when the loader starts have waited long enough: the first one
    // may go at once. From then on the loader is past its start.
    await appendRows(log, 'first', 1);
    readsWaitFor.set(1);
    await eventually('the first record loaded', () => (loaded.get() === 1 ? true : null));
    await appendRows(log, 'trickle', 10);
    await sleep(300);
    expect(loaded.get()).toBe(1);
    // What log-backlog.ts does when a read waits for the trickle (offsets 1-10).
    readsWaitFor.set(11);
    await eventually('loaded for the waiting read', () => (loaded.get() === 11 ? true : null));
    // Full batches go without anyone waiting.
    await appendRows(log, 'full', 1_000);
    await eventually('full batches loaded', () => (loaded.get() >= 1_011 ? true : null));
    expect((await storedCounts(engine)).n).toBe(loaded.get());
  });

  it('a dead database thread: the loader starts again on the new one and stores everything once', async () => {
    const { log, engine } = await logAndEngine();
    const loaded = await startLoader(engine, log);
    await appendRows(log, 'before-crash', 500);
    await eventually('loaded before the crash', () => (loaded.get() === 500 ? true : null));
    // Only while idle (a thread ended under a DuckDB call takes the process down): the loader waits on the log.
    await engine.terminateWorker();
    await appendRows(log, 'while-down', 500);
    await eventually('healthy again', () => (engine.health().ok ? true : null));
    await eventually('loaded to the end', () => (loaded.get() === 1_000 ? true : null));
    expect(await storedCounts(engine)).toEqual({ n: 1_000, uuids: 1_000, maxSeq: 1_000, position: 1_000 });
    await expectSeqIsOffsetPlusOne(engine, log);
  });
});
