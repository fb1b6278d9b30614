import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogRecordTooLargeError, LogWriteError } from '../../src/log/errors.js';
import { type FileEventLog, openFileEventLog } from '../../src/log/file/file-event-log.js';
import { NODE_FILE_OPS } from '../../src/log/file/file-ops.js';
import { eventLogDir, segmentPath } from '../../src/log/file/segment-files.js';
import { DEFAULT_LOG_LIMITS, logLimitsFromEnv } from '../../src/log/limits.js';

const errno = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

/** A disk that fails when told: a write that stores half its bytes then fails, or a failing sync. */
function failingDisk() {
  const disk = { failWrite: null as string | null, failSync: null as string | null };
  const fileOps = {
    writev: async (handle: FileHandle, buffers: Buffer[], position: number) => {
      if (disk.failWrite) {
        const first = buffers[0]!;
        await handle.write(first, 0, Math.ceil(first.length / 2), position);
        throw errno(disk.failWrite);
      }
      return NODE_FILE_OPS.writev(handle, buffers, position);
    },
    datasync: async (handle: FileHandle) => {
      if (disk.failSync) throw errno(disk.failSync);
      return NODE_FILE_OPS.datasync(handle);
    },
  };
  return { disk, fileOps };
}

describe('file event log: a failing disk', () => {
  const dirs: string[] = [];
  const logs: FileEventLog[] = [];
  afterEach(async () => {
    for (const log of logs.splice(0)) await log.close().catch(() => undefined);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const fresh = async (fileOps?: ReturnType<typeof failingDisk>['fileOps']) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-log-fail-'));
    dirs.push(dataDir);
    const log = await openFileEventLog(dataDir, fileOps ? { fileOps } : {});
    logs.push(log);
    return { dataDir, log, file: segmentPath(eventLogDir(dataDir), 0) };
  };

  for (const [what, reason, fail] of [
    ['ENOSPC during the write (half of it on disk)', 'disk_full', 'write:ENOSPC'],
    ['EIO from fdatasync', 'io_error', 'sync:EIO'],
  ] as const) {
    it(`${what}: rejects with a typed error, cuts the file back, acknowledges nothing unsynced, then goes on`, async () => {
      const { disk, fileOps } = failingDisk();
      const { dataDir, log, file } = await fresh(fileOps);
      await log.append(['kept-0', 'kept-1']);
      const goodSize = statSync(file).size;
      const [where, code] = fail.split(':') as ['write' | 'sync', string];
      if (where === 'write') disk.failWrite = code;
      else disk.failSync = code;
      // Several appends in the failing group: all of them are refused.
      const refused = await Promise.allSettled([
        log.append(['lost-0']),
        log.append(['lost-1', 'lost-2']),
        log.append(['lost-3']),
      ]);
      for (const outcome of refused) {
        expect(outcome.status).toBe('rejected');
        const error = (outcome as PromiseRejectedResult).reason as LogWriteError;
        expect(error).toBeInstanceOf(LogWriteError);
        expect(error.reason).toBe(reason);
        expect(error.errno).toBe(code);
      }
      expect(statSync(file).size).toBe(goodSize);
      expect(log.bounds().end).toBe(2);
      expect(log.stats().failedWrites).toBeGreaterThanOrEqual(1);

      disk.failWrite = null;
      disk.failSync = null;
      expect(await log.append(['kept-2'])).toEqual({ first: 2, last: 2 });
      await log.close();
      const reopened = await openFileEventLog(dataDir);
      logs.push(reopened);
      expect(reopened.openReport.cutBytes).toBe(0);
      const all = await reopened.read(0, { maxRecords: 100 });
      expect(all.map((r) => r.data.toString())).toEqual(['kept-0', 'kept-1', 'kept-2']);
    });
  }

  it('a reader never returns bytes of a write that failed, even if it saw them before the cut', async () => {
    let log: FileEventLog | undefined;
    let failSync = false;
    const { log: opened } = await fresh({
      writev: NODE_FILE_OPS.writev,
      datasync: async (handle) => {
        if (!failSync) return NODE_FILE_OPS.datasync(handle);
        // The refused record is in the file now: a consumer reads meanwhile (its read-ahead sees it).
        expect((await log!.read(0, { maxRecords: 10 })).map((r) => r.data.toString())).toEqual(['a0']);
        throw errno('EIO');
      },
    });
    log = opened;
    await log.append(['a0']);
    failSync = true;
    await expect(log.append(['refused, never acknowledged'])).rejects.toBeInstanceOf(LogWriteError);
    failSync = false;
    await log.append(['a1']);
    expect((await log.read(1, { maxRecords: 10 })).map((r) => r.data.toString())).toEqual(['a1']);
  });

  it('refuses a record over the size limit without disturbing the log', async () => {
    const { log } = await fresh();
    await expect(log.append([Buffer.alloc(DEFAULT_LOG_LIMITS.maxRecordBytes + 1)])).rejects.toBeInstanceOf(
      LogRecordTooLargeError,
    );
    expect(await log.append(['fine'])).toEqual({ first: 0, last: 0 });
  });
});

describe('logLimitsFromEnv', () => {
  it('reads SIGHTLINE_LOG_SEGMENT_BYTES and SIGHTLINE_LOG_RETENTION_MS (0 allowed), refuses nonsense', () => {
    expect(logLimitsFromEnv({})).toEqual({});
    expect(
      logLimitsFromEnv({ SIGHTLINE_LOG_SEGMENT_BYTES: '1048576', SIGHTLINE_LOG_RETENTION_MS: '3600000' }),
    ).toEqual({ segmentBytes: 1_048_576, retentionMs: 3_600_000 });
    expect(logLimitsFromEnv({ SIGHTLINE_LOG_RETENTION_MS: '0' })).toEqual({ retentionMs: 0 });
    expect(() => logLimitsFromEnv({ SIGHTLINE_LOG_SEGMENT_BYTES: '0' })).toThrow(/positive integer/);
    expect(() => logLimitsFromEnv({ SIGHTLINE_LOG_RETENTION_MS: '-5' })).toThrow(/positive integer/);
  });
});
