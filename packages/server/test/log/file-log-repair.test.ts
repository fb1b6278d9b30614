import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogCorruptionError } from '../../src/log/errors.js';
import { type FileEventLog, openFileEventLog } from '../../src/log/file/file-event-log.js';
import { frameRecords } from '../../src/log/file/frame.js';
import { eventLogDir, listSegmentBases, segmentPath } from '../../src/log/file/segment-files.js';

const MAX_RECORD = 32 * 1024 * 1024;
const record = (i: number) => `record-${i}-${'y'.repeat(i % 50)}`;

describe('file event log: a torn tail is cut at open, acknowledged records never', () => {
  const dirs: string[] = [];
  const logs: FileEventLog[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-log-repair-'));
    dirs.push(dir);
    return dir;
  };
  const open = async (dataDir: string, segmentBytes?: number) => {
    const log = await openFileEventLog(dataDir, segmentBytes ? { segmentBytes } : {});
    logs.push(log);
    return log;
  };
  afterEach(async () => {
    for (const log of logs.splice(0)) await log.close().catch(() => undefined);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const whole = frameRecords(['a torn record that never got its sync'], MAX_RECORD).buffer;
  const tails: Array<[string, Buffer]> = [
    ['half a frame (a write cut short)', whole.subarray(0, whole.length - 7)],
    ['a header only', whole.subarray(0, 5)],
    ['zeros (blocks allocated, never written)', Buffer.alloc(4096)],
    [
      'garbage',
      Buffer.from('\u00ff\u00fe garbage that is not a frame at all, repeated '.repeat(20), 'latin1'),
    ],
    ['a whole frame with one byte flipped', Buffer.from(whole).fill(0x41, 12, 13)],
  ];

  for (const [what, tail] of tails) {
    it(`cuts ${what}`, async () => {
      const dataDir = fresh();
      let log = await open(dataDir);
      for (let i = 0; i < 10; i++) await log.append([record(i)]);
      await log.close();
      const file = segmentPath(eventLogDir(dataDir), 0);
      const goodSize = statSync(file).size;
      appendFileSync(file, tail);

      log = await open(dataDir);
      expect(log.openReport.cutBytes).toBe(tail.length);
      expect(statSync(file).size).toBe(goodSize);
      expect(log.bounds()).toEqual({ start: 0, end: 10 });
      const all = await log.read(0, { maxRecords: 100 });
      expect(all.map((r) => r.data.toString())).toEqual(Array.from({ length: 10 }, (_, i) => record(i)));
      expect(await log.append(['after the repair'])).toEqual({ first: 10, last: 10 });
      await log.close();
      log = await open(dataDir);
      expect(log.openReport.cutBytes).toBe(0);
      expect((await log.read(10, { maxRecords: 1 }))[0]!.data.toString()).toBe('after the repair');
    });
  }

  it('repairs only the last segment; acknowledged bytes corrupted in a sealed one are reported, not cut', async () => {
    const dataDir = fresh();
    let log = await open(dataDir, 2048);
    for (let i = 0; i < 200; i++) await log.append([record(i)]);
    await log.close();
    const bases = await listSegmentBases(eventLogDir(dataDir));
    expect(bases.length).toBeGreaterThan(3);
    // Segment names are their first offsets: they tile the offsets without gaps.
    expect(bases[0]).toBe(0);
    const first = segmentPath(eventLogDir(dataDir), 0);
    const bytes = readFileSync(first);
    bytes[40] = bytes[40]! ^ 0xff;
    writeFileSync(first, bytes);

    log = await open(dataDir, 2048);
    expect(log.openReport.cutBytes).toBe(0);
    expect(log.bounds()).toEqual({ start: 0, end: 200 });
    await expect(log.read(0, { maxRecords: 5 })).rejects.toBeInstanceOf(LogCorruptionError);
    // Later segments read fine.
    const later = await log.read(bases[1]!, { maxRecords: 300 });
    expect(later.length).toBe(200 - bases[1]!);
    expect(later.at(-1)!.data.toString()).toBe(record(199));
  });
});
