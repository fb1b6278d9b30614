import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { STORAGE_RETRY_AFTER_SECONDS } from '../../src/http/storage-unavailable.js';
import { IngestDedupe } from '../../src/ingest/ingest-dedupe.js';
import { LogCommitter } from '../../src/ingest/log-committer.js';
import { type FileEventLog, type FileEventLogOptions, openFileEventLog } from '../../src/log/index.js';
import { LogBacklog } from '../../src/log/log-backlog.js';
import { type DuckDbStorageEngine, openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { makeRow } from '../support/rows.js';
import { hasSettled, logContents, rowsNamed, steeredDisk, tempDirs } from './fixtures.js';

/** ingest/log-committer.ts: capture's answer comes from the event log, once the events are durable there. */
describe('LogCommitter', () => {
  const dirs = tempDirs('log-committer');
  let engine: DuckDbStorageEngine;
  const opened: Array<{ log: FileEventLog; backlog: LogBacklog }> = [];

  beforeAll(async () => {
    // Bot counts go to a real store; nothing else of the engine is on this path.
    engine = await openDuckDbEngine({ path: join(dirs.make(), 'bots.duckdb'), rollupRefreshMs: 0 });
  });
  afterAll(async () => {
    await engine.close();
    dirs.removeAll();
  });
  afterEach(async () => {
    for (const { log, backlog } of opened.splice(0)) {
      backlog.stop();
      await log.close().catch(() => undefined);
    }
  });

  async function committer(options: FileEventLogOptions = {}) {
    const log = await openFileEventLog(dirs.make(), options);
    const backlog = new LogBacklog(
      log,
      { checkpoint: () => log.bounds().end, replayFrom: () => log.bounds().end },
      {
        maxBehindEvents: 1_000_000,
        readWaitMs: 1_000,
        releaseEveryMs: 60_000,
      },
    );
    opened.push({ log, backlog });
    const seen: Array<{ uuids: string[]; firstSeq: number }> = [];
    const commits = new LogCommitter(log, new IngestDedupe(), backlog, engine);
    commits.onCommitted((rows, result) =>
      seen.push({ uuids: rows.map((r) => r.uuid), firstSeq: result.firstSeq }),
    );
    return { log, backlog, commits, seen };
  }

  it('answers only once the append is durable, and then the log holds the events', async () => {
    const disk = steeredDisk();
    const { log, commits } = await committer({ fileOps: disk.fileOps });
    disk.hold();
    const answer = commits.submit(rowsNamed('durable', 5));
    await disk.syncHeld();
    expect(await hasSettled(answer)).toBe(false);
    expect(log.bounds().end).toBe(0);
    disk.release();
    expect(await answer).toEqual({ inserted: 5, duplicates: 0, refused: [] });
    expect((await logContents(log)).map((r) => r.row.uuid)).toEqual(
      rowsNamed('durable', 5).map((r) => r.uuid),
    );
  });

  it('counts duplicates within a request and across requests; the log holds exactly the fresh rows', async () => {
    const { log, commits } = await committer();
    const first = await commits.submit([...rowsNamed('a', 3), ...rowsNamed('a', 2)]);
    expect(first).toEqual({ inserted: 3, duplicates: 2, refused: [] });
    const second = await commits.submit([...rowsNamed('a', 3), makeRow({ uuid: 'b' })]);
    expect(second).toEqual({ inserted: 1, duplicates: 3, refused: [] });
    // An all-duplicate request appends nothing.
    expect(await commits.submit(rowsNamed('a', 3))).toEqual({ inserted: 0, duplicates: 3, refused: [] });
    const stored = (await logContents(log)).map((r) => r.row.uuid);
    expect(stored).toEqual([...rowsNamed('a', 3).map((r) => r.uuid), 'b']);
  });

  it('tells listeners the appended rows with seq = offset + 1, also for a log continuing a store', async () => {
    const { log, commits, seen } = await committer({ firstOffset: 100 });
    await Promise.all([commits.submit(rowsNamed('x', 3)), commits.submit(rowsNamed('y', 2))]);
    await commits.submit([...rowsNamed('x', 1), makeRow({ uuid: 'z' })]);
    const offsetOf = new Map((await logContents(log)).map((r) => [r.row.uuid, r.offset]));
    expect(offsetOf.get('x-0')).toBe(100);
    const announced = seen.flatMap(({ uuids, firstSeq }) => uuids.map((uuid, i) => [uuid, firstSeq + i]));
    expect(announced).toHaveLength(6);
    for (const [uuid, seq] of announced) expect(seq, String(uuid)).toBe(offsetOf.get(uuid as string)! + 1);
  });

  it('a disk that refuses the append answers 503 storage_unavailable with Retry-After; the retry is fresh', async () => {
    const disk = steeredDisk();
    const { log, commits, seen } = await committer({ fileOps: disk.fileOps });
    await commits.submit(rowsNamed('before', 2));
    disk.failWith('ENOSPC');
    const refused = await commits.submit(rowsNamed('full', 3)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({
      code: 'storage_unavailable',
      status: 503,
      retryAfterS: STORAGE_RETRY_AFTER_SECONDS,
    });
    expect((refused as ApiError).message).toMatch(/disk_full/);
    expect(seen).toHaveLength(1);
    disk.failWith(null);
    // Nothing of the refused request is in the log, so its retry is stored (not taken for a duplicate).
    expect(await commits.submit(rowsNamed('full', 3))).toEqual({ inserted: 3, duplicates: 0, refused: [] });
    expect((await logContents(log)).map((r) => r.row.uuid)).toEqual([
      ...rowsNamed('before', 2).map((r) => r.uuid),
      ...rowsNamed('full', 3).map((r) => r.uuid),
    ]);
  });

  it('a retry racing an append that then fails is not acknowledged for events that were never stored', async () => {
    const disk = steeredDisk();
    const { log, commits } = await committer({ fileOps: disk.fileOps });
    disk.hold();
    // The SDK's first attempt is being appended; its connection timed out and it sends the batch again.
    const original = commits.submit(rowsNamed('raced', 4));
    await disk.syncHeld();
    const retry = commits.submit(rowsNamed('raced', 4));
    const retryOutcome = retry.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    // The first attempt's write fails: none of its events is in the log.
    disk.failWith('ENOSPC');
    disk.release();
    await expect(original).rejects.toMatchObject({ code: 'storage_unavailable' });
    disk.failWith(null);
    const outcome = await retryOutcome;
    const inLog = new Set((await logContents(log)).map((r) => r.row.uuid));
    // A 200 for the retry is a promise that its events are stored: it must hold.
    if (outcome.ok) for (const row of rowsNamed('raced', 4)) expect(inLog.has(row.uuid), row.uuid).toBe(true);
    else expect(outcome.error).toMatchObject({ code: 'storage_unavailable' });
  });

  it('a closed log answers 503 shutting_down and drain() waits for appends under way', async () => {
    const disk = steeredDisk();
    const { log, commits } = await committer({ fileOps: disk.fileOps });
    disk.hold();
    const underWay = commits.submit(rowsNamed('late', 2));
    await disk.syncHeld();
    const drained = commits.drain();
    expect(await hasSettled(drained)).toBe(false);
    disk.release();
    await drained;
    expect(await hasSettled(underWay)).toBe(true);
    await log.close();
    await expect(commits.submit(rowsNamed('closed', 1))).rejects.toMatchObject({
      code: 'shutting_down',
      status: 503,
      retryAfterS: 1,
    });
  });

  it('refuses capture with 503 overloaded while consumers are too far behind, without claiming the events', async () => {
    const log = await openFileEventLog(dirs.make());
    let processed = 0;
    const backlog = new LogBacklog(
      log,
      { checkpoint: () => processed, replayFrom: () => processed },
      {
        maxBehindEvents: 5,
        readWaitMs: 1_000,
        releaseEveryMs: 60_000,
      },
    );
    opened.push({ log, backlog });
    const commits = new LogCommitter(log, new IngestDedupe(), backlog, engine);
    await commits.submit(rowsNamed('fill', 6));
    // The loader has stored all 6; the processor (the slowest consumer) none.
    backlog.loaded.set(6);
    await expect(commits.submit(rowsNamed('over', 2))).rejects.toMatchObject({
      code: 'overloaded',
      status: 503,
    });
    processed = 6;
    expect(await commits.submit(rowsNamed('over', 2))).toMatchObject({ inserted: 2, duplicates: 0 });
  });
});
