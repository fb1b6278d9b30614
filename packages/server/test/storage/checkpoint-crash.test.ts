import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openFileEventLog } from '../../src/log/file/file-event-log.js';
import { createRng } from '../../src/simulate/prng.js';
import { DuckDbStore } from '../../src/storage/duckdb/store.js';
import { startStoreLoader } from '../support/store-loader.js';

const CHILD = fileURLToPath(new URL('./checkpoint-crash-child.ts', import.meta.url));
const KILLS = 4;
/** Loads committed past the round's start before the kill is aimed (each ~1–2 checkpoints apart). */
const LOADS_BEFORE_KILL = 20;
const MAX_KILL_DELAY_MS = 150;
const SEED = Number(process.env['SIGHTLINE_CHECKPOINT_CRASH_SEED'] ?? 20_261_204);

/** Runs the child until it committed LOADS_BEFORE_KILL loads and checkpointed, waits `delayMs`, SIGKILLs it. */
async function loadThenKill(
  dataDir: string,
  delayMs: number,
): Promise<{ lastLoaded: number; checkpoints: number }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const count = (word: string) => output.split('\n').filter((line) => line.startsWith(word)).length;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no loads within 30 s: ${errors}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (count('loaded ') >= LOADS_BEFORE_KILL && count('checkpointed') > 0) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}): ${errors}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  child.kill('SIGKILL');
  await exited;
  // Only whole lines: a line cut by the kill is a load the child never reported.
  const lines = output.split('\n').slice(0, -1);
  const loads = lines.filter((line) => line.startsWith('loaded ')).map((line) => Number(line.split(' ')[1]));
  return { lastLoaded: Math.max(...loads), checkpoints: count('checkpointed') };
}

/** What the database holds: rows, distinct uuids, the largest seq and the loader's stored position. */
async function stored(dataDir: string, load?: { upTo: number }) {
  const log = await openFileEventLog(dataDir);
  const store = await DuckDbStore.open({
    path: join(dataDir, 'sightline.duckdb'),
    rollupRefreshMs: 0,
  });
  try {
    if (load) {
      const loaded = startStoreLoader(store, log, { maxRecords: 1000 });
      await loaded.waitPastShared(load.upTo - 1, AbortSignal.timeout(30_000));
    }
    const [row] = await store.query(
      `SELECT count(*) AS n, count(DISTINCT uuid) AS uuids, coalesce(max(seq), 0) AS max_seq,
         (SELECT next_offset FROM event_log_position WHERE consumer = 'loader') AS position FROM events`,
      [],
    );
    return {
      rows: Number(row!['n']),
      uuids: Number(row!['uuids']),
      maxSeq: Number(row!['max_seq']),
      position: Number(row!['position'] ?? 0),
      logEnd: log.bounds().end,
    };
  } finally {
    await store.close();
    await log.close();
  }
}

/**
 * DuckDB checkpoints in the commit that passes its WAL threshold (the loader's, under ingest); here
 * the threshold is 64 KB, so a checkpoint follows every few loads. A process killed at any moment
 * around them must keep every load it committed, once: rows = stored position = max seq, no uuid
 * twice, and the next start loads the rest of the log once.
 */
describe('checkpoints across SIGKILLs', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('keep every committed load exactly once', { timeout: 180_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-checkpoint-crash-'));
    dirs.push(dataDir);
    const rng = createRng(SEED);
    for (let kill = 0; kill < KILLS; kill++) {
      const { lastLoaded, checkpoints } = await loadThenKill(dataDir, rng.int(0, MAX_KILL_DELAY_MS));
      expect(checkpoints, 'the child checkpointed before the kill').toBeGreaterThan(0);
      const after = await stored(dataDir);
      expect(after.position, 'a load the child saw committed survived').toBeGreaterThanOrEqual(lastLoaded);
      expect(after.rows).toBe(after.position);
      expect(after.maxSeq).toBe(after.position);
      expect(after.uuids).toBe(after.rows);
    }
    const end = await stored(dataDir);
    const all = await stored(dataDir, { upTo: end.logEnd });
    expect(all.rows).toBe(end.logEnd);
    expect(all.uuids).toBe(all.rows);
    expect(all.maxSeq).toBe(all.rows);
  });
});
