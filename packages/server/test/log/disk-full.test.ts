import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogWriteError } from '../../src/log/errors.js';
import type { EventLog } from '../../src/log/event-log.js';
import { openFileEventLog } from '../../src/log/file/file-event-log.js';
import { Tmpfs } from '../support/tmpfs.js';

/** The whole disk: a few hundred records fill it in well under a second. */
const TMPFS_SIZE = '2m';
/** Taken before the log starts, given back to end the first outage. */
const FILLER_BYTES = 768 * 1024;
const SEGMENT_BYTES = 128 * 1024;
const APPENDERS = 4;

const record = (n: number) => `r${n}:${'d'.repeat(1000 + ((n * 7919) % 3000))}`;

interface Outcome {
  /** Record numbers acknowledged, by offset. */
  acknowledged: Map<number, number>;
  refused: number[];
  otherErrors: string[];
}

/** Appenders append until `refusals` appends were refused as disk_full (or `acks` records acknowledged). */
async function appendUntilRefused(
  log: EventLog,
  outcome: Outcome,
  counter: { next: number },
  stopAt: { refusals: number; acks?: number },
): Promise<void> {
  const refusedBefore = outcome.refused.length;
  const ackedBefore = outcome.acknowledged.size;
  const done = () =>
    outcome.refused.length - refusedBefore >= stopAt.refusals ||
    (stopAt.acks !== undefined && outcome.acknowledged.size - ackedBefore >= stopAt.acks) ||
    outcome.otherErrors.length > 0;
  const appender = async () => {
    while (!done()) {
      const numbers = [counter.next++, counter.next++];
      try {
        const { first } = await log.append(numbers.map(record));
        for (const [i, n] of numbers.entries()) outcome.acknowledged.set(first + i, n);
      } catch (error) {
        if (error instanceof LogWriteError && error.reason === 'disk_full') outcome.refused.push(...numbers);
        else outcome.otherErrors.push(String(error));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }
  };
  await Promise.all(Array.from({ length: APPENDERS }, appender));
}

/** Every record in the log is exactly an acknowledged one, in offset order: nothing refused got in. */
async function expectExactlyAcknowledged(log: EventLog, outcome: Outcome): Promise<void> {
  const { start, end } = log.bounds();
  const stored = new Map<number, string>();
  for (let from = start; ; ) {
    const page = await log.read(from, { maxRecords: 500 });
    if (page.length === 0) break;
    for (const r of page) stored.set(r.offset, r.data.toString());
    from = page.at(-1)!.offset + 1;
  }
  expect(stored.size).toBe(end - start);
  for (let offset = start; offset < end; offset++) {
    const n = outcome.acknowledged.get(offset);
    if (n === undefined) throw new Error(`offset ${offset} is in the log but was never acknowledged`);
    if (stored.get(offset) !== record(n))
      throw new Error(`offset ${offset} differs from what was acknowledged`);
  }
  for (const offset of outcome.acknowledged.keys())
    if (offset >= start) expect(stored.has(offset)).toBe(true);
}

describe('event log on a full disk (a 2 MiB tmpfs)', () => {
  const tmpfs = new Tmpfs('sightline-log-full-', TMPFS_SIZE);
  const mountPoint = tmpfs.path;

  beforeAll(() => tmpfs.mount('file-log-failures.test.ts covers ENOSPC injected at the fs layer'));
  afterAll(() => tmpfs.unmount());

  it('refuses appends with disk_full, acknowledges nothing unsynced, goes on once space returns', async () => {
    const dataDir = join(mountPoint, 'data');
    mkdirSync(dataDir);
    const filler = join(mountPoint, 'filler');
    writeFileSync(filler, Buffer.alloc(FILLER_BYTES, 1));
    const outcome: Outcome = { acknowledged: new Map(), refused: [], otherErrors: [] };
    const counter = { next: 0 };
    let log = await openFileEventLog(dataDir, { segmentBytes: SEGMENT_BYTES });
    try {
      await log.consumers.register('loader');
      // 1. The disk fills up: appends are refused with the typed error, nothing else.
      await appendUntilRefused(log, outcome, counter, { refusals: 40 });
      expect(outcome.otherErrors).toEqual([]);
      const ackedWhenFull = outcome.acknowledged.size;
      expect(ackedWhenFull).toBeGreaterThan(50);
      const refusedInFirstOutage = outcome.refused.length;
      expect(log.bounds().end).toBe(ackedWhenFull);
      await expectExactlyAcknowledged(log, outcome);

      // 2. Space returns (another file removed): appends go on at the next offset.
      rmSync(filler);
      const endBefore = log.bounds().end;
      await appendUntilRefused(log, outcome, counter, { refusals: 1_000_000, acks: 100 });
      expect(outcome.otherErrors).toEqual([]);
      expect(Math.min(...[...outcome.acknowledged.keys()].filter((o) => o >= endBefore))).toBe(endBefore);

      // 3. Full again; this time the consumer catching up frees the space (its segments are removed).
      await appendUntilRefused(log, outcome, counter, { refusals: 40 });
      await log.consumers.release('loader', log.bounds().end);
      expect(log.stats().removedSegments).toBeGreaterThan(0);
      await appendUntilRefused(log, outcome, counter, { refusals: 1_000_000, acks: 100 });
      expect(outcome.otherErrors).toEqual([]);
      await expectExactlyAcknowledged(log, outcome);
      console.log(
        `full disk: ${outcome.acknowledged.size} records acknowledged, ${outcome.refused.length} refused as disk_full ` +
          `(${refusedInFirstOutage} in the first outage, the rest in the second); ${log.stats().failedWrites} failed groups, ` +
          `${log.stats().removedSegments} consumed segments removed to make room`,
      );

      // 4. After a restart: no torn tail to cut (each failed write was cut back), the same records.
      await log.close();
      log = await openFileEventLog(dataDir, { segmentBytes: SEGMENT_BYTES });
      expect(log.openReport.cutBytes).toBe(0);
      await expectExactlyAcknowledged(log, outcome);
      expect(await log.append(['after the restart'])).toMatchObject({ first: outcome.acknowledged.size });
    } finally {
      await log.close();
    }
  });
});
