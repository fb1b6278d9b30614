/**
 * What every EventLog implementation must do, whatever it stores records in: the file log runs
 * it (file-event-log.test.ts); a NATS JetStream one will too. The harness reopens the same log
 * (a restart) and can fake the clock the retention window is measured with.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LogClosedError, LogOffsetRemovedError } from '../../src/log/errors.js';
import type { EventLog, LogRecord } from '../../src/log/event-log.js';
import { readAllRecords as readAll } from '../support/read-log.js';

export interface ConformanceOpenOptions {
  /**
   * Roll storage over often, so removal is exercised with few records (for the file log: segment
   * bytes; an implementation with another unit maps it to its nearest).
   */
  smallSegments?: boolean;
  retentionMs?: number;
  nowMs?: () => number;
}

export interface LogUnderTest {
  /** Opens the log, or reopens the same one after `close` (a restart). */
  open(options?: ConformanceOpenOptions): Promise<EventLog>;
  /** Removes everything the log stored. */
  destroy(): Promise<void>;
}

const text = (records: LogRecord[]) => records.map((r) => r.data.toString('utf8'));

/** Appends `count` records one append at a time (each its own sync), named `${prefix}-${i}`. */
async function appendEach(log: EventLog, prefix: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await log.append([`${prefix}-${i}-${'x'.repeat(200)}`]);
}

export function describeEventLogConformance(name: string, create: () => Promise<LogUnderTest>): void {
  describe(`EventLog conformance: ${name}`, () => {
    let subject: LogUnderTest | undefined;
    let open: EventLog[] = [];
    const start = async (options?: ConformanceOpenOptions) => {
      subject ??= await create();
      const log = await subject.open(options);
      open.push(log);
      return log;
    };
    afterEach(async () => {
      for (const log of open) await log.close().catch(() => undefined);
      open = [];
      await subject?.destroy();
      subject = undefined;
    });

    it('gives dense offsets from 0 in append order and reads the records back byte for byte', async () => {
      const log = await start();
      expect(log.bounds()).toEqual({ start: 0, end: 0 });
      expect(await log.read(0, { maxRecords: 10 })).toEqual([]);
      const binary = Buffer.from([0, 255, 10, 13, 0xc3]);
      expect(await log.append(['first', 'zweite – ünïcödé ✓'])).toEqual({ first: 0, last: 1 });
      expect(await log.append([binary])).toEqual({ first: 2, last: 2 });
      expect(await log.append([''])).toEqual({ first: 3, last: 3 });
      expect(await log.append(['a', 'b', 'c'])).toEqual({ first: 4, last: 6 });
      expect(log.bounds()).toEqual({ start: 0, end: 7 });

      const all = await log.read(0, { maxRecords: 100 });
      expect(all.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(all[1]!.data.toString('utf8')).toBe('zweite – ünïcödé ✓');
      expect(all[2]!.data.equals(binary)).toBe(true);
      expect(all[3]!.data.length).toBe(0);
      // Paging: by count, by bytes (the first record always comes), from the middle, past the end.
      expect(text(await log.read(4, { maxRecords: 2 }))).toEqual(['a', 'b']);
      expect(text(await log.read(0, { maxRecords: 100, maxBytes: 6 }))).toEqual(['first']);
      expect(text(await log.read(1, { maxRecords: 100, maxBytes: 1 }))).toEqual(['zweite – ünïcödé ✓']);
      expect(text(await log.read(5, { maxRecords: 100 }))).toEqual(['b', 'c']);
      expect(await log.read(7, { maxRecords: 100 })).toEqual([]);
      expect(await log.read(1000, { maxRecords: 100 })).toEqual([]);
    });

    it('keeps offsets and records across a reopen, and appends go on from the end', async () => {
      let log = await start();
      await appendEach(log, 'before', 5);
      await log.close();
      log = await start();
      expect(log.bounds()).toEqual({ start: 0, end: 5 });
      expect(await log.append(['after'])).toEqual({ first: 5, last: 5 });
      const all = await readAll(log);
      expect(all.map((r) => r.offset)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(all[0]!.data.toString()).toMatch(/^before-0-/);
      expect(all[5]!.data.toString()).toBe('after');
    });

    it('group commit: concurrent appends share syncs, each keeps its own records and offsets', async () => {
      const log = await start();
      const appends = 400;
      const before = log.stats().syncs;
      const results = await Promise.all(
        Array.from({ length: appends }, (_, i) => log.append([`c${i}-a`, `c${i}-b`])),
      );
      const concurrentSyncs = log.stats().syncs - before;
      const sequentialBefore = log.stats().syncs;
      await appendEach(log, 'seq', 20);
      const sequentialSyncs = log.stats().syncs - sequentialBefore;
      console.log(
        `${name}: ${appends} concurrent appends → ${concurrentSyncs} syncs; 20 sequential appends → ${sequentialSyncs} syncs`,
      );
      expect(concurrentSyncs).toBeGreaterThan(0);
      expect(concurrentSyncs).toBeLessThanOrEqual(appends / 10);
      // Awaited one by one, each append is acknowledged after a sync of its own.
      expect(sequentialSyncs).toBe(20);
      const offsets = results.flatMap((r) => [r.first, r.last]);
      expect(new Set(offsets).size).toBe(appends * 2);
      expect(results.every((r) => r.last === r.first + 1)).toBe(true);
      const byOffset = new Map((await readAll(log)).map((r) => [r.offset, r.data.toString()]));
      results.forEach((r, i) => {
        expect(byOffset.get(r.first)).toBe(`c${i}-a`);
        expect(byOffset.get(r.last)).toBe(`c${i}-b`);
      });
      expect(log.stats()).toMatchObject({ appends: appends + 20, records: appends * 2 + 20 });
    });

    it('waitFor resolves once a record at the offset is acknowledged, and rejects on abort', async () => {
      const log = await start();
      await log.append(['zero']);
      await log.waitFor(0);
      let woke = false;
      const waiting = log.waitFor(2).then(() => {
        woke = true;
      });
      await log.append(['one']);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(woke).toBe(false);
      await log.append(['two']);
      await waiting;
      expect(text(await log.read(2, { maxRecords: 1 }))).toEqual(['two']);
      const controller = new AbortController();
      const aborted = log.waitFor(10, controller.signal);
      controller.abort(new Error('stop waiting'));
      await expect(aborted).rejects.toThrow('stop waiting');
    });

    it('readers at different offsets interleave without disturbing each other', async () => {
      const log = await start({ smallSegments: true });
      await appendEach(log, 'r', 300);
      const loader: string[] = [];
      const processor: string[] = [];
      let a = 0;
      let b = 150;
      for (let i = 0; i < 40; i++) {
        const [pageA, pageB] = await Promise.all([
          log.read(a, { maxRecords: 7 }),
          log.read(b, { maxRecords: 3 }),
        ]);
        loader.push(...text(pageA));
        processor.push(...text(pageB));
        a += pageA.length;
        b += pageB.length;
      }
      expect(loader.map((t) => t.split('-')[1])).toEqual(Array.from({ length: 280 }, (_, i) => String(i)));
      expect(processor.map((t) => t.split('-')[1])).toEqual(
        Array.from({ length: 120 }, (_, i) => String(150 + i)),
      );
    });

    it('removes records only once every registered consumer passed them; offsets survive removal', async () => {
      let log = await start({ smallSegments: true });
      await appendEach(log, 'k', 100);
      // No consumer registered: nothing goes, whatever is released.
      expect(log.bounds().start).toBe(0);
      expect(await log.consumers.register('loader')).toBe(0);
      expect(await log.consumers.register('processor')).toBe(0);
      await appendEach(log, 'k2', 100);
      await log.consumers.release('loader', 180);
      expect(log.bounds().start).toBe(0); // the processor still needs offset 0
      await log.consumers.release('processor', 60);
      const afterBoth = log.bounds().start;
      expect(afterBoth).toBeGreaterThan(0);
      expect(afterBoth).toBeLessThanOrEqual(60);
      await expect(log.read(0, { maxRecords: 1 })).rejects.toBeInstanceOf(LogOffsetRemovedError);
      expect((await log.read(60, { maxRecords: 1 }))[0]!.data.toString()).toMatch(/^k-60-/);
      // An older release is ignored; a release past the end is a mistake.
      await log.consumers.release('processor', 10);
      expect(log.consumers.positions().get('processor')).toBe(60);
      await expect(log.consumers.release('processor', 10_000)).rejects.toThrow(RangeError);
      await expect(log.consumers.release('nobody', 1)).rejects.toThrow(/not registered/);

      await log.close();
      log = await start({ smallSegments: true });
      // Positions were kept; the removed start stays removed; offsets go on.
      expect(await log.consumers.register('processor')).toBe(60);
      expect(log.consumers.positions().get('loader')).toBe(180);
      expect(log.bounds()).toEqual({ start: afterBoth, end: 200 });
      expect(await log.append(['next'])).toEqual({ first: 200, last: 200 });
      const rest = await readAll(log);
      expect(rest[0]!.offset).toBe(afterBoth);
      expect(rest.at(-1)).toMatchObject({ offset: 200 });

      // Unregistering the slow consumer lets the log go up to the other one.
      await log.consumers.unregister('processor');
      expect(log.bounds().start).toBeGreaterThan(afterBoth);
      expect(log.bounds().start).toBeLessThanOrEqual(180);
    });

    it('keeps consumed records for the retention window, then removes them', async () => {
      let shiftMs = 0;
      const nowMs = () => Date.now() + shiftMs;
      const log = await start({ smallSegments: true, retentionMs: 60_000, nowMs });
      await log.consumers.register('loader');
      await appendEach(log, 'w', 150);
      await log.consumers.release('loader', 140);
      expect(log.bounds().start).toBe(0);
      shiftMs = 61_000;
      await log.append(['later']);
      await log.consumers.release('loader', 150);
      expect(log.bounds().start).toBeGreaterThan(0);
      expect(log.bounds().start).toBeLessThanOrEqual(150);
    });

    it('refuses appends after close', async () => {
      const log = await start();
      await log.append(['one']);
      await log.close();
      await expect(log.append(['two'])).rejects.toBeInstanceOf(LogClosedError);
    });
  });
}
