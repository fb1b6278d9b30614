import { mkdtempSync, rmSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import type { FileEventLog } from '../../src/log/file/file-event-log.js';
import { type FileOps, NODE_FILE_OPS } from '../../src/log/file/file-ops.js';
import type { EventRow } from '../../src/storage/engine.js';
import { startTestApp } from '../support/app.js';
import { makeRow } from '../support/rows.js';

/** Temporary directories of one test file, removed together (afterEach / afterAll). */
export function tempDirs(prefix: string) {
  const made: string[] = [];
  return {
    make(): string {
      const dir = mkdtempSync(join(tmpdir(), `sightline-${prefix}-`));
      made.push(dir);
      return dir;
    },
    removeAll(): void {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One Sightline on its own data directory for the tests of a file: started before them, closed
 * (and its directory removed) after. Call the returned function inside a test for the app.
 */
export function appForFile(prefix: string): () => RunningSightline {
  const dirs = tempDirs(prefix);
  let app: RunningSightline | undefined;
  beforeAll(async () => {
    app = await startTestApp(dirs.make());
  });
  afterAll(async () => {
    await app?.close();
    dirs.removeAll();
  });
  return () => app as RunningSightline;
}

const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/**
 * A disk the test steers through FileEventLogOptions.fileOps: it can hold syncs (so a request
 * can be looked at before it is durable) and fail writes with an errno (ENOSPC, EIO).
 */
export function steeredDisk() {
  let holding = false;
  let failWrites: string | null = null;
  const held: Array<() => void> = [];
  let onHeld: (() => void) | null = null;
  const fileOps: Partial<FileOps> = {
    writev: async (handle: FileHandle, buffers: Buffer[], position: number) => {
      if (failWrites) throw errno(failWrites);
      return NODE_FILE_OPS.writev(handle, buffers, position);
    },
    datasync: async (handle: FileHandle) => {
      if (holding) {
        await new Promise<void>((resolve) => {
          held.push(resolve);
          onHeld?.();
        });
        // A write failure set while the sync was held fails that sync too (the group is refused).
        if (failWrites) throw errno(failWrites);
      }
      return NODE_FILE_OPS.datasync(handle);
    },
  };
  return {
    fileOps,
    /** Syncs from now on wait until `release`. */
    hold(): void {
      holding = true;
    },
    /** Resolves once a sync is waiting. */
    syncHeld(): Promise<void> {
      if (held.length > 0) return Promise.resolve();
      return new Promise((resolve) => {
        onHeld = () => {
          onHeld = null;
          resolve();
        };
      });
    },
    release(): void {
      holding = false;
      for (const wake of held.splice(0)) wake();
    },
    /** Writes (and held syncs) fail with this errno until set to null. */
    failWith(code: string | null): void {
      failWrites = code;
    },
  };
}

/** `n` distinct rows whose uuids start with `prefix` (project p1 unless overridden). */
export function rowsNamed(prefix: string, n: number, overrides: Partial<EventRow> = {}): EventRow[] {
  return Array.from({ length: n }, (_, i) => makeRow({ uuid: `${prefix}-${i}`, ...overrides }));
}

/** Every record the log holds, as the rows capture appended, with their offsets. */
export async function logContents(log: FileEventLog): Promise<Array<{ offset: number; row: EventRow }>> {
  const out: Array<{ offset: number; row: EventRow }> = [];
  let next = log.bounds().start;
  for (;;) {
    const records = await log.read(next, { maxRecords: 1_000 });
    if (records.length === 0) return out;
    for (const r of records)
      out.push({ offset: r.offset, row: JSON.parse(r.data.toString('utf8')) as EventRow });
    next = records[records.length - 1]!.offset + 1;
  }
}

/** Polls until `probe` returns non-null; fails the test after `ms` (a bound, not a measurement). */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
  ms = 20_000,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(20);
  }
}

/** Whether `promise` has settled, seen after the work already queued has run (a macrotask turn). */
export async function hasSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}
