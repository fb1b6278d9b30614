/**
 * The loader's commit latency and lag under a paced feed (issue #17: loader lag p95 ≤ 250 ms at
 * 20k events/s), without the HTTP server around it: a real file event log in a fresh data dir,
 * 50-record appends at `--rate` events/s (at most 16 in flight, as the lag bench's connections),
 * and the real DuckDB store (DuckDbStore.open: its DDL and settings) running the real LogLoader
 * and EventWriter.load, on this thread. Each variant runs in its own child process for
 * `--seconds` (long enough for several checkpoints), then the table compares them:
 * commit ms (EventWriter.load) p50/p95/max, lag (age of the oldest acknowledged record not loaded,
 * sampled every 20 ms) p50/p95/max, records per commit, checkpoints seen (the WAL file shrank),
 * CPU per event (the whole process: feed, loader, DuckDB) and peak RSS.
 *
 *   node --import tsx bench/loader-commit-latency.ts [--seconds 90] [--rate 20000]
 *     [--variants name,name]   (VARIANTS below; all by default)
 * Scratch data under /tmp/loader-commit-latency (removed after each variant).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DEFAULTS } from '../packages/server/src/config.js';
import { encodeEventRecord } from '../packages/server/src/log/event-record.js';
import { DurableEnd } from '../packages/server/src/log/file/durable-end.js';
import { openFileEventLog } from '../packages/server/src/log/file/file-event-log.js';
import { DEFAULT_LOADER_CADENCE } from '../packages/server/src/storage/duckdb/loader-cadence.js';
import type { LoadedBatch } from '../packages/server/src/storage/duckdb/log-loader.js';
import {
  DEFAULT_CHECKPOINT_THRESHOLD,
  type DuckDbOptions,
  DuckDbStore,
} from '../packages/server/src/storage/duckdb/store.js';
import type { EventRow } from '../packages/server/src/storage/engine.js';
import { fingerprint } from '../packages/server/src/storage/event-dedupe.js';
import { DEFAULT_LOADER_BATCH, type LoaderCadence } from '../packages/server/src/storage/log-loading.js';
import { generate } from './lib/query-dataset.js';
import { fmt, percentile } from './lib/stats.js';

const SCRATCH = '/tmp/loader-commit-latency';
/** Records per append and appends in flight: the lag bench's 50-event batches over 16 connections. */
const PER_APPEND = 50;
const IN_FLIGHT = 16;
const LAG_SAMPLE_MS = 20;
/** Distinct rows the feed cycles through (each sent with a fresh uuid). */
const POOL = 100_000;

const MiB = 2 ** 20;

/** What differs between variants: the store's options and the loader's cadence (else the server's defaults). */
interface Variant {
  store: Partial<DuckDbOptions>;
  cadence?: LoaderCadence;
}

const automatic = (threshold: string, cadence?: LoaderCadence): Variant => ({
  store: { checkpointThreshold: threshold },
  ...(cadence ? { cadence } : {}),
});

const VARIANTS: Record<string, Variant> = {
  /** DuckDB checkpoints on the commit that passes 256 MB of WAL (the server's setting). */
  'auto-256MB': automatic(DEFAULT_CHECKPOINT_THRESHOLD),
  /** The same at DuckDB's default threshold and below: smaller, more frequent checkpoints. */
  'auto-16MB': automatic('16MB'),
  'auto-4MB': automatic('4MB'),
  /** Cadence: linger 20 ms or 100 ms instead of the default 50 ms. */
  'auto-256MB-linger20': automatic(DEFAULT_CHECKPOINT_THRESHOLD, { ...DEFAULT_LOADER_CADENCE, lingerMs: 20 }),
  'auto-256MB-linger100': automatic(DEFAULT_CHECKPOINT_THRESHOLD, {
    ...DEFAULT_LOADER_CADENCE,
    lingerMs: 100,
  }),
};

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '90' },
    rate: { type: 'string', default: '20000' },
    variants: { type: 'string', default: Object.keys(VARIANTS).join(',') },
    child: { type: 'string' },
  },
});

interface ChildResult {
  variant: string;
  events: number;
  commitMs: number[];
  recordsPerCommit: number[];
  lagMs: number[];
  checkpoints: number;
  cpuUsPerEvent: number;
  peakRssMiB: number;
  walPeakMiB: number;
  catchUpMs: number;
  /** Peak of each duckdb_memory() tag (and their TOTAL), MiB. */
  duckdbPeakMiB: Record<string, number>;
  /** The V8 heap at the end (the feed's pool of rows is most of it). */
  heapMiB: number;
}

function rows(total: number): EventRow[] {
  const out: EventRow[] = [];
  for (const chunk of generate(total, Date.now())) out.push(...chunk);
  return out;
}

/** `n`-th record of the feed: a pool row with a fresh uuid (and its fingerprint, as capture writes it). */
function record(pool: readonly EventRow[], n: number): string {
  const row = {
    ...pool[n % pool.length]!,
    uuid: `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`,
  };
  const [hi, lo] = fingerprint(row.project_id, row.uuid);
  return encodeEventRecord(row, hi, lo);
}

async function child(variant: string, seconds: number, rate: number): Promise<ChildResult> {
  const chosen = VARIANTS[variant];
  if (!chosen) throw new Error(`unknown variant ${variant}`);
  const dir = join(SCRATCH, variant);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pool = rows(POOL);
  const dbPath = join(dir, 'sightline.duckdb');
  const log = await openFileEventLog(dir);
  await log.consumers.register('loader');
  const store = await DuckDbStore.open({
    path: dbPath,
    memoryLimit: DEFAULTS.duckdbMemoryLimit,
    ...chosen.store,
  });
  const loaded = new DurableEnd();
  const commits: LoadedBatch[] = [];
  store.startLogLoader(
    {
      log: log.readerHandoff(),
      loaded: loaded.shared,
      from: 0,
      maxRecords: DEFAULT_LOADER_BATCH,
      ...(chosen.cadence ? { cadence: chosen.cadence } : {}),
    },
    (error) => console.error(`load failed: ${error.message}`),
    (batch) => commits.push(batch),
  );

  // Append ends and the times they were acknowledged, for the lag samples.
  const ends: number[] = [];
  const ackedAt: number[] = [];
  const lagMs: number[] = [];
  let head = 0;
  const lagNow = () => {
    const position = loaded.get();
    while (head < ends.length && ends[head]! <= position) head++;
    return head < ends.length ? performance.now() - ackedAt[head]! : 0;
  };
  let walPeak = 0;
  let walLast = 0;
  let checkpoints = 0;
  const watch = setInterval(() => {
    lagMs.push(lagNow());
    let wal = 0;
    try {
      wal = statSync(`${dbPath}.wal`).size;
    } catch {
      wal = 0;
    }
    if (wal < walLast) checkpoints++;
    walLast = wal;
    walPeak = Math.max(walPeak, wal);
  }, LAG_SAMPLE_MS);

  // What holds memory: DuckDB's own accounting by tag (its buffer manager), every 2 s; RSS with it.
  const duckdbPeak = new Map<string, number>();
  let rssPeakSampled = 0;
  const memoryWatch = setInterval(() => {
    rssPeakSampled = Math.max(rssPeakSampled, process.memoryUsage.rss() / MiB);
    void store
      .query('SELECT tag, memory_usage_bytes + temporary_storage_bytes AS bytes FROM duckdb_memory()', [])
      .then(
        (rows) => {
          let total = 0;
          for (const row of rows) {
            const bytes = Number(row['bytes']);
            total += bytes;
            const tag = String(row['tag']);
            duckdbPeak.set(tag, Math.max(duckdbPeak.get(tag) ?? 0, bytes / MiB));
          }
          duckdbPeak.set('TOTAL', Math.max(duckdbPeak.get('TOTAL') ?? 0, total / MiB));
        },
        () => undefined,
      );
  }, 2000);

  const cpu = process.cpuUsage();
  const started = performance.now();
  let sent = 0;
  let inFlight = 0;
  const total = seconds * rate;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
    while (sent + PER_APPEND <= due && inFlight < IN_FLIGHT) {
      const batch = Array.from({ length: PER_APPEND }, (_, i) => record(pool, sent + i));
      sent += PER_APPEND;
      inFlight++;
      void log.append(batch).then(
        (result) => {
          inFlight--;
          // Group commits may acknowledge out of order: keep `ends` ascending (a later end acked first covers the earlier).
          const end = result.last + 1;
          const at = performance.now();
          let k = ends.length;
          while (k > head && ends[k - 1]! > end) k--;
          ends.splice(k, 0, end);
          ackedAt.splice(k, 0, at);
        },
        (error: Error) => {
          inFlight--;
          console.error(`append failed: ${error.message}`);
        },
      );
    }
    await sleep(1);
  }
  while (inFlight > 0) await sleep(1);
  const fedAt = performance.now();
  while (loaded.get() < sent) await sleep(5);
  const catchUpMs = performance.now() - fedAt;
  clearInterval(watch);
  clearInterval(memoryWatch);
  const used = process.cpuUsage(cpu);
  const [check] = await store.query(
    'SELECT count(*) AS n, max(seq) AS max_seq, (SELECT next_offset FROM event_log_position) AS position FROM events',
    [],
  );
  if (
    Number(check?.['n']) !== sent ||
    Number(check?.['max_seq']) !== sent ||
    Number(check?.['position']) !== sent
  )
    throw new Error(`${variant}: stored ${JSON.stringify(check)}, expected ${sent}`);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  await store.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    variant,
    events: sent,
    commitMs: commits.map((c) => c.commitMs),
    recordsPerCommit: commits.map((c) => c.records),
    lagMs,
    checkpoints,
    cpuUsPerEvent: (used.user + used.system) / sent,
    peakRssMiB,
    walPeakMiB: walPeak / MiB,
    catchUpMs,
    duckdbPeakMiB: Object.fromEntries(
      [...duckdbPeak].filter(([, mib]) => mib >= 1).map(([tag, mib]) => [tag, Math.round(mib)]),
    ),
    heapMiB: Math.round(process.memoryUsage().heapUsed / MiB),
  };
}

function dist(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${fmt(percentile(s, 50))} / ${fmt(percentile(s, 95))} / ${fmt(s[s.length - 1] ?? Number.NaN)}`;
}

async function main(): Promise<void> {
  const seconds = Number(values.seconds);
  const rate = Number(values.rate);
  if (values.child) {
    console.log(`RESULT ${JSON.stringify(await child(values.child, seconds, rate))}`);
    return;
  }
  mkdirSync(SCRATCH, { recursive: true });
  const lines = [
    `| variant | commit ms p50 / p95 / max | lag ms p50 / p95 / max | records per commit p50 / max | commits | checkpoints | WAL peak MiB | CPU µs/event | peak RSS MiB | load avg before |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const variant of values.variants.split(',')) {
    const load = loadavg()[0]!.toFixed(2);
    const args = ['--import', 'tsx', 'bench/loader-commit-latency.ts', '--child', variant];
    const out = spawnSync(process.execPath, [...args, '--seconds', String(seconds), '--rate', String(rate)], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) {
      console.log(`${variant}: failed\n${out.stderr.slice(-3000)}`);
      continue;
    }
    const r = JSON.parse(line.slice(7)) as ChildResult;
    const per = [...r.recordsPerCommit].sort((a, b) => a - b);
    lines.push(
      `| ${variant} | ${dist(r.commitMs)} | ${dist(r.lagMs)} | ${fmt(percentile(per, 50))} / ${fmt(per[per.length - 1]!)} | ` +
        `${fmt(r.commitMs.length)} | ${r.checkpoints} | ${fmt(r.walPeakMiB)} | ${fmt(r.cpuUsPerEvent, 1)} | ${fmt(r.peakRssMiB)} | ${load} |`,
    );
    console.log(
      lines[lines.length - 1],
      `(${fmt(r.events)} events, caught up ${fmt(r.catchUpMs)} ms after the feed)`,
    );
    console.log(`  DuckDB memory peaks, MiB: ${JSON.stringify(r.duckdbPeakMiB)}; V8 heap ${r.heapMiB} MiB`);
    if (out.stderr.trim()) console.log(out.stderr.trim().split('\n').slice(-5).join('\n'));
  }
  console.log(`\n${seconds} s at ${fmt(rate)} events/s each\n`);
  for (const l of lines) console.log(l);
}

await main();
