/**
 * Measurement spike for the log-first loader (issue #17): how fast can normalised events move
 * from log records into a fresh DuckDB `events` table, in one-transaction batches that also store
 * the loaded offset? Compares the paths in lib/loader-options.ts, each in its own child process
 * (so peak RSS is its own), and the per-event cost of turning raw request JSON into a row.
 *
 *   node --import tsx bench/loader-paths.ts [--events 1000000] [--batches 10000,50000] [--only a,b]
 *     [--checkpoint 256MB]   (DuckDB's checkpoint_threshold; the server's value by default)
 * Scratch files (the cached data set, the databases) go under /tmp/loader-spike.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEFAULTS } from '../packages/server/src/config.js';
import { normalizeNativeEvent } from '../packages/server/src/ingest/normalize.js';
import { createRng, generateSession } from '../packages/server/src/simulate/index.js';
import { type EventColumns, toColumns } from '../packages/server/src/storage/duckdb/columns.js';
import { EVENTS_DDL } from '../packages/server/src/storage/duckdb/ddl.js';
import type { EventRow } from '../packages/server/src/storage/engine.js';
import { fingerprint } from '../packages/server/src/storage/event-dedupe.js';
import {
  LOADER_OPTIONS,
  type LoaderBatch,
  type LoaderOptionName,
  OFFSET_DDL,
  OFFSET_SEED,
  writeNdjson,
} from './lib/loader-options.js';
import { generate } from './lib/query-dataset.js';
import { fmt, percentile, summarize } from './lib/stats.js';

const SCRATCH = '/tmp/loader-spike';
const REPEATS = 3;
/** Raw events timed for the parse + normalise cost: enough for a stable per-event figure. */
const PARSE_SAMPLE = 200_000;
const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

interface Dataset {
  cols: EventColumns;
  fpHi: Uint32Array;
  fpLo: Uint32Array;
}

/** The query bench's generated events as loader input, cached under the scratch dir. */
function dataset(events: number): Dataset {
  const file = join(SCRATCH, `rows-${events}.v8`);
  if (existsSync(file)) return deserialize(readFileSync(file)) as Dataset;
  const rows: EventRow[] = [];
  for (const chunk of generate(events, Date.now())) for (const row of chunk) rows.push(row);
  const cols = toColumns(rows);
  const fpHi = new Uint32Array(cols.length);
  const fpLo = new Uint32Array(cols.length);
  for (let i = 0; i < cols.length; i++) {
    [fpHi[i], fpLo[i]] = fingerprint(cols.project_id[i]!, cols.uuid[i]!);
  }
  const data = { cols, fpHi, fpLo };
  writeFileSync(file, serialize(data));
  return data;
}

function sliceBatch(d: Dataset, start: number, end: number): LoaderBatch {
  const c = d.cols;
  const cols = { length: end - start } as EventColumns;
  for (const key of Object.keys(c) as (keyof EventColumns)[]) {
    if (key === 'length') continue;
    (cols as unknown as Record<string, unknown>)[key] =
      key === 'timestamp' || key === 'received_at' ? c[key].subarray(start, end) : c[key].slice(start, end);
  }
  return {
    cols,
    fpHi: d.fpHi.subarray(start, end),
    fpLo: d.fpLo.subarray(start, end),
    firstSeq: start + 1,
    endOffset: end,
  };
}

interface ChildResult {
  option: LoaderOptionName;
  batch: number;
  eventsPerSec: number[];
  cpuSecPerMillion: number[];
  commitMs: number[];
  ndjsonWriteSec: number[];
  peakRssMb: number;
  baseRssMb: number;
}

/** One option at one batch size, REPEATS times, each into a fresh database file. */
async function child(option: LoaderOptionName, batchSize: number, events: number): Promise<ChildResult> {
  const data = dataset(events);
  const batches: LoaderBatch[] = [];
  for (let s = 0; s < data.cols.length; s += batchSize) {
    batches.push(sliceBatch(data, s, Math.min(data.cols.length, s + batchSize)));
  }
  const baseRssMb = process.resourceUsage().maxRSS / 1024;
  const result: ChildResult = {
    ...{ option, batch: batchSize, eventsPerSec: [], cpuSecPerMillion: [], commitMs: [] },
    ...{ ndjsonWriteSec: [], peakRssMb: 0, baseRssMb },
  };
  for (let rep = 0; rep < REPEATS; rep++) {
    const dir = join(SCRATCH, `${option}-${batchSize}-${rep}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const files = batches.map((_, k) => join(dir, `batch-${k}.ndjson`));
    if (option === 'read-json') {
      const t = performance.now();
      for (let k = 0; k < batches.length; k++) writeNdjson(files[k]!, batches[k]!);
      result.ndjsonWriteSec.push((performance.now() - t) / 1000);
    }
    const instance = await DuckDBInstance.create(join(dir, 'spike.duckdb'), {
      memory_limit: DEFAULTS.duckdbMemoryLimit,
    });
    const conn = await instance.connect();
    // As the server sets it (storage/duckdb/store.ts): fewer, larger checkpoints.
    await conn.run(`SET checkpoint_threshold = '${flag('checkpoint', '256MB')}'`);
    await conn.run(EVENTS_DDL);
    await conn.run(OFFSET_DDL);
    await conn.run(OFFSET_SEED);
    const load = LOADER_OPTIONS[option];
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let k = 0; k < batches.length; k++) {
      const t = performance.now();
      await load(conn, batches[k]!, files[k]!);
      result.commitMs.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const check = await conn.runAndReadAll(
      'SELECT (SELECT count(*) FROM events), (SELECT loaded FROM loader_offset), (SELECT max(seq) FROM events)',
    );
    const [count, loaded, maxSeq] = check.getRows()[0]!.map(Number);
    if (count !== events || loaded !== events || maxSeq !== events) {
      throw new Error(`${option}: stored ${count}, offset ${loaded}, max seq ${maxSeq}; expected ${events}`);
    }
    result.eventsPerSec.push(events / seconds);
    result.cpuSecPerMillion.push(((used.user + used.system) / 1e6) * (1e6 / events));
    conn.closeSync();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
  result.peakRssMb = process.resourceUsage().maxRSS / 1024;
  return result;
}

/** ns per event: raw request JSON → parse → normalise, vs a normalised row stored as JSON → parse. */
function parseCost(): { rawNs: number[]; rowNs: number[]; rawBytes: number; rowBytes: number } {
  const rng = createRng(42);
  const raw: string[] = [];
  while (raw.length < PARSE_SAMPLE) {
    for (const event of generateSession(rng, Date.now() - 3_600_000, { origin: 'https://video.example.com' })
      .events) {
      raw.push(JSON.stringify({ ...event, distinct_id: `visitor-${raw.length % 5000}` }));
    }
  }
  const ctx = { projectId: 'bench', receivedAt: Date.now(), sentAt: undefined, userAgent: BROWSER_UA };
  const rowsJson = raw.map((r) => {
    const n = normalizeNativeEvent(JSON.parse(r), ctx);
    if (!n.ok) throw new Error('generated event did not normalise');
    return JSON.stringify(n.row);
  });
  const rawNs: number[] = [];
  const rowNs: number[] = [];
  let sink = 0;
  for (let rep = 0; rep < REPEATS; rep++) {
    let t = performance.now();
    for (const r of raw) {
      const n = normalizeNativeEvent(JSON.parse(r), ctx);
      if (n.ok) sink += n.row.timestamp;
    }
    rawNs.push(((performance.now() - t) * 1e6) / raw.length);
    t = performance.now();
    for (const r of rowsJson) sink += (JSON.parse(r) as EventRow).timestamp;
    rowNs.push(((performance.now() - t) * 1e6) / raw.length);
  }
  if (sink === 0) throw new Error('nothing parsed');
  const bytes = (xs: string[]) => xs.reduce((s, x) => s + Buffer.byteLength(x), 0) / xs.length;
  return { rawNs, rowNs, rawBytes: bytes(raw), rowBytes: bytes(rowsJson) };
}

function stats3(xs: number[], digits = 0): string {
  const s = summarize(xs);
  return `${fmt(s.min, digits)} / ${fmt(s.median, digits)} / ${fmt(s.max, digits)}`;
}

async function main(): Promise<void> {
  mkdirSync(SCRATCH, { recursive: true });
  const events = Number(flag('events', '1000000'));
  if (process.argv.includes('--child')) {
    const option = flag('child', '') as LoaderOptionName;
    const result = await child(option, Number(flag('batch', '10000')), events);
    console.log(`RESULT ${JSON.stringify(result)}`);
    return;
  }
  const batchSizes = flag('batches', '10000,50000').split(',').map(Number);
  const only = flag('only', Object.keys(LOADER_OPTIONS).join(',')).split(',') as LoaderOptionName[];
  let t = performance.now();
  dataset(events);
  console.log(`data set: ${fmt(events)} events ready in ${fmt((performance.now() - t) / 1000, 1)} s`);
  const rows: string[] = [];
  for (const option of only) {
    for (const batch of batchSizes) {
      t = performance.now();
      const args = ['--import', 'tsx', 'bench/loader-paths.ts', '--child', option, '--batch', String(batch)];
      args.push('--checkpoint', flag('checkpoint', '256MB'));
      const out = spawnSync(process.execPath, [...args, '--events', String(events)], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      const line = out.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) {
        console.log(`${option} @ ${batch}: failed\n${out.stderr.slice(-2000)}`);
        continue;
      }
      const r = JSON.parse(line.slice(7)) as ChildResult;
      const commits = [...r.commitMs].sort((a, b) => a - b);
      const ndjson = r.ndjsonWriteSec.length ? `${stats3(r.ndjsonWriteSec, 2)} s` : '–';
      rows.push(
        `| ${option} | ${fmt(batch)} | ${stats3(r.eventsPerSec)} | ${stats3(r.cpuSecPerMillion, 2)} | ` +
          `${fmt(r.peakRssMb)} (+${fmt(r.peakRssMb - r.baseRssMb)}) | ${fmt(percentile(commits, 50), 1)} / ` +
          `${fmt(percentile(commits, 99), 1)} | ${ndjson} |`,
      );
      console.log(rows[rows.length - 1], `(${fmt((performance.now() - t) / 1000, 0)} s)`);
    }
  }
  console.log(
    '\n| option | batch | events/s min / median / max | CPU s per 1M events | peak RSS MB (+ over data) | batch commit ms p50 / p99 | NDJSON write (not in events/s) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  const p = parseCost();
  console.log(
    `\nlog record → row, ns per event (min / median / max of ${REPEATS}, ${fmt(PARSE_SAMPLE)} events):`,
  );
  console.log(
    `  raw request JSON (${fmt(p.rawBytes)} B avg): JSON.parse + normalizeNativeEvent: ${stats3(p.rawNs)}`,
  );
  console.log(`  normalised row JSON (${fmt(p.rowBytes)} B avg): JSON.parse only: ${stats3(p.rowNs)}`);
}

await main();
