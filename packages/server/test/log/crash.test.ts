import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileEventLog } from '../../src/log/file/file-event-log.js';
import { eventLogDir, listSegmentBases, segmentPath } from '../../src/log/file/segment-files.js';
import { createRng } from '../../src/simulate/prng.js';
import { tornTail } from '../support/torn-tail.js';
import { crashRecord, parseCrashRecord } from './crash-records.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const KILLS = 24;
/** Small segments, so kills also land around segment rolls. */
const SEGMENT_BYTES = 256 * 1024;
/** The kill comes this long (at most) after the child's first acknowledgement. */
const MAX_KILL_DELAY_MS = 300;
const SEED = Number(process.env['SIGHTLINE_LOG_CRASH_SEED'] ?? 20_261_204);

interface Ack {
  first: number;
  last: number;
  k0: number;
}

interface ChildRun {
  openEnd: number;
  acks: Ack[];
}

/** Runs the appender until the first acknowledgement, waits `delayMs`, then SIGKILLs it. */
async function appendThenKill(dataDir: string, run: number, delayMs: number): Promise<ChildRun> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, dataDir, String(run), String(SEGMENT_BYTES)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no acknowledgement within 20 s: ${errors}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\nack ') || output.startsWith('ack ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`the appender exited (${code}) before acknowledging: ${errors}`)),
    );
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exited;
  // Only whole lines: a line cut by the kill is an acknowledgement the client never received.
  const lines = output.split('\n').slice(0, -1);
  const [, openEnd] = lines[0]!.split(' ');
  const acks = lines
    .filter((line) => line.startsWith('ack '))
    .map((line) => {
      const [, first, last, k0] = line.split(' ').map(Number) as [number, number, number, number];
      return { first, last, k0 };
    });
  return { openEnd: Number(openEnd), acks };
}

/**
 * Reads the log from `from`: offsets dense up to the end, every record whole and one the child
 * appended (byte for byte), each run's records in append order, every acknowledged offset holding
 * what was acknowledged there. Returns how many records of `run` were kept unacknowledged.
 */
async function verifyLog(
  log: Awaited<ReturnType<typeof openFileEventLog>>,
  acknowledged: ReadonlyMap<number, [number, number]>,
  run: number,
  from: number,
): Promise<{ unacknowledged: number; lastSegmentBase: number }> {
  let expectedOffset = from;
  let unacknowledged = 0;
  const lastK = new Map<number, number>();
  for (;;) {
    const page = await log.read(expectedOffset, { maxRecords: 2000, maxBytes: 8 << 20 });
    if (page.length === 0) break;
    for (const record of page) {
      if (record.offset !== expectedOffset)
        throw new Error(`offset ${record.offset} where ${expectedOffset} was due`);
      expectedOffset++;
      const text = record.data.toString('utf8');
      const id = parseCrashRecord(text);
      if (!id) throw new Error(`offset ${record.offset} is not a record the appender wrote`);
      if (text !== crashRecord(id.run, id.k))
        throw new Error(`offset ${record.offset} differs from what was appended`);
      if (id.k <= (lastK.get(id.run) ?? -1))
        throw new Error(`run ${id.run} out of order at ${record.offset}`);
      lastK.set(id.run, id.k);
      const acked = acknowledged.get(record.offset);
      if (acked) {
        if (acked[0] !== id.run || acked[1] !== id.k)
          throw new Error(
            `offset ${record.offset} holds ${id.run}:${id.k}, acknowledged as ${acked.join(':')}`,
          );
      } else if (id.run === run) unacknowledged++;
    }
  }
  expect(expectedOffset).toBe(log.bounds().end);
  for (const offset of acknowledged.keys()) expect(offset).toBeLessThan(expectedOffset);
  const bases = await listSegmentBases(eventLogDir(log.dataDir));
  return { unacknowledged, lastSegmentBase: bases.at(-1)! };
}

describe('event log durability: kill -9 while appending', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-log-crash-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it(`keeps every acknowledged record, byte-identical and in order, across ${KILLS} kills (seed ${SEED})`, {
    timeout: 180_000,
  }, async () => {
    const random = createRng(SEED).next;
    /** offset → [run, k] of every acknowledged record so far. */
    const acknowledged = new Map<number, [number, number]>();
    let naturalCuts = 0;
    let injectedCuts = 0;
    let unacknowledgedPresent = 0;
    let verifiedFrom = 0;
    const started = performance.now();

    for (let run = 0; run < KILLS; run++) {
      const delayMs = Math.floor(random() * MAX_KILL_DELAY_MS);
      const runStarted = performance.now();
      const { openEnd, acks } = await appendThenKill(dataDir, run, delayMs);
      const killedAfterMs = performance.now() - runStarted;
      expect(acks.length).toBeGreaterThan(0);
      // Appends went on from where the previous repair left the log.
      const firstAck = acks.find((a) => a.k0 === 0);
      if (firstAck) expect(firstAck.first).toBe(openEnd);
      for (const ack of acks) {
        for (let offset = ack.first; offset <= ack.last; offset++)
          acknowledged.set(offset, [run, ack.k0 + offset - ack.first]);
      }

      // Sometimes also leave what a machine crash could: garbage after the last synced byte.
      const dir = eventLogDir(dataDir);
      const injected = random() < 0.35 ? tornTail(random) : null;
      const lastBase = (await listSegmentBases(dir)).at(-1)!;
      const lastFile = segmentPath(dir, lastBase);
      const sizeBefore = statSync(lastFile).size;
      if (injected) appendFileSync(lastFile, injected);

      const log = await openFileEventLog(dataDir, { segmentBytes: SEGMENT_BYTES });
      try {
        const cut = log.openReport.cutBytes;
        if (injected) {
          expect(cut).toBeGreaterThanOrEqual(injected.length);
          injectedCuts++;
        } else if (cut > 0) naturalCuts++;
        expect(statSync(lastFile).size).toBe(sizeBefore + (injected?.length ?? 0) - cut);
        expect(log.bounds().end).toBeGreaterThan(Math.max(...acknowledged.keys()));

        // Everything the kill and the repair could touch: from the segment that was last before this run.
        const checked = await verifyLog(log, acknowledged, run, verifiedFrom);
        unacknowledgedPresent += checked.unacknowledged;
        verifiedFrom = checked.lastSegmentBase;
        console.log(
          `kill ${run + 1}: ${delayMs} ms after the first ack (${Math.round(killedAfterMs)} ms after spawn), ${acks.length} acks, ` +
            `cut ${cut} bytes${injected ? ` (${injected.length} injected)` : ''}, log end ${log.bounds().end}`,
        );
      } finally {
        await log.close();
      }
    }

    // Finally the whole log, from offset 0.
    const log = await openFileEventLog(dataDir, { segmentBytes: SEGMENT_BYTES });
    try {
      await verifyLog(log, acknowledged, -1, 0);
    } finally {
      await log.close();
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${KILLS} kills in ${seconds.toFixed(1)} s (seed ${SEED}): ${acknowledged.size} acknowledged records all present; ` +
        `torn tails cut: ${naturalCuts} left by a kill, ${injectedCuts} injected; ` +
        `${unacknowledgedPresent} records written but not acknowledged before a kill were kept (whole, never acknowledged)`,
    );
    expect(acknowledged.size).toBeGreaterThan(KILLS);
  });
});
