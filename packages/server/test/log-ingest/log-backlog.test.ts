import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { DurableEnd } from '../../src/log/file/durable-end.js';
import { type FileEventLog, type FileEventLogOptions, openFileEventLog } from '../../src/log/index.js';
import { type BacklogOptions, LogBacklog } from '../../src/log/log-backlog.js';
import { hasSettled, tempDirs } from './fixtures.js';

/** No release timer in these tests: they call release() themselves. */
const OPTIONS: BacklogOptions = { maxBehindEvents: 50, readWaitMs: 5_000, releaseEveryMs: 3_600_000 };

/** log/log-backlog.ts: the log's consumers as the HTTP thread sees them. */
describe('LogBacklog', () => {
  const dirs = tempDirs('log-backlog');
  const opened: Array<{ log: FileEventLog; backlog: LogBacklog }> = [];
  afterEach(async () => {
    for (const { log, backlog } of opened.splice(0)) {
      backlog.stop();
      await log.close();
    }
    dirs.removeAll();
  });

  /** A log, a backlog over it with a clock the test moves, and the processor position it reports. */
  async function setup(options: Partial<BacklogOptions> = {}, logOptions: FileEventLogOptions = {}) {
    const log = await openFileEventLog(dirs.make(), logOptions);
    for (const name of ['loader', 'processor']) await log.consumers.register(name);
    const clock = { now: 1_000 };
    const processor = { position: log.bounds().start };
    const backlog = new LogBacklog(
      log,
      { checkpoint: () => processor.position, replayFrom: () => processor.position },
      { ...OPTIONS, ...options },
      () => clock.now,
    );
    opened.push({ log, backlog });
    // What the database thread does: it sets the loader's position through its own view of the shared cell.
    const loader = new DurableEnd(backlog.loaded.shared);
    loader.set(log.bounds().start);
    /** An acknowledged append of `n` records of one project, as the committer reports it. */
    const append = async (n: number, projectId = 'p') => {
      const { last } = await log.append(Array.from({ length: n }, (_, i) => `record-${i}`));
      backlog.appended(
        last + 1,
        Array.from({ length: n }, () => ({ project_id: projectId })),
      );
    };
    return { log, backlog, clock, processor, loader, append };
  }

  it('reports each consumer’s lag in events and in how long the oldest waiting event has waited', async () => {
    const { backlog, clock, processor, loader, append } = await setup();
    expect(backlog.lag()).toEqual({ loader: { events: 0, ms: 0 }, processor: { events: 0, ms: 0 } });
    clock.now = 2_000;
    await append(10);
    clock.now = 5_000;
    await append(5);
    clock.now = 6_500;
    expect(backlog.lag()).toEqual({
      loader: { events: 15, ms: 4_500 },
      processor: { events: 15, ms: 4_500 },
    });
    // The loader stored the first append: its oldest waiting event is from the second.
    loader.set(10);
    processor.position = 12;
    expect(backlog.lag()).toEqual({ loader: { events: 5, ms: 1_500 }, processor: { events: 3, ms: 1_500 } });
    loader.set(15);
    processor.position = 15;
    expect(backlog.lag()).toEqual({ loader: { events: 0, ms: 0 }, processor: { events: 0, ms: 0 } });
  });

  /** A log holding three records an earlier process appended (and whose loading it never saw). */
  async function logWithEarlierRecords(): Promise<FileEventLog> {
    const dataDir = dirs.make();
    const earlier = await openFileEventLog(dataDir);
    await earlier.append(['a', 'b', 'c']);
    await earlier.close();
    return openFileEventLog(dataDir);
  }

  it('counts records from before it started as waiting since it started', async () => {
    const log = await logWithEarlierRecords();
    const clock = { now: 10_000 };
    const backlog = new LogBacklog(
      log,
      { checkpoint: () => 3, replayFrom: () => 3 },
      OPTIONS,
      () => clock.now,
    );
    opened.push({ log, backlog });
    clock.now = 12_500;
    expect(backlog.lag().loader).toEqual({ events: 3, ms: 2_500 });
  });

  it('refuses capture with 503 overloaded and Retry-After once the slowest consumer is past the bound, not before', async () => {
    const { backlog, processor, loader, append } = await setup();
    await append(50);
    expect(() => backlog.assertRoom()).not.toThrow();
    await append(1);
    const refusal = catchError(() => backlog.assertRoom());
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'overloaded', status: 503 });
    expect((refusal as ApiError).retryAfterS).toBeGreaterThan(0);
    // The loader catching up is not enough: the processor is as far behind.
    loader.set(51);
    expect(() => backlog.assertRoom()).toThrow(ApiError);
    processor.position = 1;
    expect(() => backlog.assertRoom()).not.toThrow();
    // And the other way round.
    processor.position = 51;
    loader.set(0);
    expect(catchError(() => backlog.assertRoom())).toMatchObject({ code: 'overloaded' });
  });

  it('a log continuing a store’s numbering is not taken for a backlog', async () => {
    // The log starts at offset 1,000 (the store held 1,000 events): nothing is waiting.
    const { backlog } = await setup({}, { firstOffset: 1_000 });
    expect(() => backlog.assertRoom()).not.toThrow();
    expect(backlog.lag().loader.events).toBe(0);
  });

  it('a log continuing a store’s numbering is not taken for a backlog before the loader reported', async () => {
    // The same, in the moment after opening: the loader has not published its position yet.
    const log = await openFileEventLog(dirs.make(), { firstOffset: 1_000 });
    const backlog = new LogBacklog(log, { checkpoint: () => 1_000, replayFrom: () => 1_000 }, OPTIONS);
    opened.push({ log, backlog });
    expect(() => backlog.assertRoom()).not.toThrow();
    expect(backlog.lag().loader.events).toBe(0);
  });

  it('a read waits until the loader passed the end seen when it started, not later appends', async () => {
    const { backlog, loader, append } = await setup();
    await append(10);
    const read = backlog.readBarrier();
    await append(10);
    loader.set(9);
    expect(await hasSettled(read)).toBe(false);
    loader.set(10);
    await read;
    // Caught up: a read does not wait at all.
    loader.set(20);
    await backlog.readBarrier();
  });

  it('a project’s read waits for its own acknowledged appends, not for another project’s', async () => {
    const { backlog, loader, append } = await setup();
    await append(5, 'a');
    await append(5, 'b');
    await append(5, 'a');
    // b's last append ends at 10: b's read needs the loader there, whatever a appends meanwhile.
    const readB = backlog.readBarrier('b');
    const readA = backlog.readBarrier('a');
    const readAll = backlog.readBarrier();
    loader.set(9);
    expect(await hasSettled(readB)).toBe(false);
    loader.set(10);
    await readB;
    expect(await hasSettled(readA)).toBe(false);
    expect(await hasSettled(readAll)).toBe(false);
    loader.set(15);
    await Promise.all([readA, readAll]);
    // A project that never captured does not wait at all, even with the loader behind.
    await append(5, 'a');
    await backlog.readBarrier('c');
  });

  it('a project’s read waits for what was unloaded when the process started (its projects are unknown)', async () => {
    const log = await logWithEarlierRecords();
    const backlog = new LogBacklog(log, { checkpoint: () => 3, replayFrom: () => 3 }, OPTIONS);
    opened.push({ log, backlog });
    const loader = new DurableEnd(backlog.loaded.shared);
    const read = backlog.readBarrier('c');
    loader.set(2);
    expect(await hasSettled(read)).toBe(false);
    loader.set(3);
    await read;
  });

  it('a read that waits longer than readWaitMs fails with 503 loading_behind and Retry-After', async () => {
    const { backlog, append } = await setup({ readWaitMs: 50 });
    await append(3);
    const refusal = await backlog.readBarrier().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect(refusal).toMatchObject({ code: 'loading_behind', status: 503 });
    expect((refusal as ApiError).retryAfterS).toBeGreaterThan(0);
    expect((refusal as ApiError).message).toMatch(/3 to go/);
  });

  it('a read whose caller went away ends with the caller’s reason, not loading_behind', async () => {
    const { backlog, append } = await setup();
    await append(3);
    const caller = new AbortController();
    const read = backlog.readBarrier(undefined, caller.signal).catch((error: unknown) => error);
    caller.abort(new Error('client left'));
    expect(await read).toMatchObject({ message: 'client left' });
  });

  it('release() hands both consumers’ positions to the log, which then removes what both passed', async () => {
    const { log, backlog, processor, loader, append } = await setup({}, { segmentBytes: 64 });
    // Small segments: each append of 5 starts a new one.
    for (let i = 0; i < 8; i++) await append(5);
    loader.set(30);
    processor.position = 20;
    await backlog.release();
    expect(Object.fromEntries(log.consumers.positions())).toEqual({ loader: 30, processor: 20 });
    // Segments wholly before the slower consumer (the processor, at 20) are gone; 20 is still readable.
    expect(log.bounds().start).toBeGreaterThan(0);
    expect(log.bounds().start).toBeLessThanOrEqual(20);
    expect((await log.read(20, { maxRecords: 1 }))[0]?.offset).toBe(20);
    processor.position = 40;
    loader.set(40);
    await backlog.release();
    expect(Object.fromEntries(log.consumers.positions())).toEqual({ loader: 40, processor: 40 });
  });
});

function catchError(work: () => void): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}
