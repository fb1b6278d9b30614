/**
 * The machine's durable reference: what node:http + JSON.parse + an NDJSON append with group
 * fdatasync (ack after the sync) sustains here, driven by the ingest bench's load generator
 * (lib/background-load.ts) — 50-event batches (plain and gzip) and one-event requests. Capture
 * figures are read as a ratio of it, measured in the same run. lib/durable-server.ts is the server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadRequest, type LoadResult, runLoadGenerator } from './lib/background-load.js';
import { cpuSeconds, rssMiB } from './lib/server.js';
import { fmt, summarize } from './lib/stats.js';

const SERVER = fileURLToPath(new URL('./lib/durable-server.ts', import.meta.url));

export type DurableSink = 'ndjson' | 'event-log';

/** A load shape: events per request, body encoding, connections. */
export interface DurableMode {
  label: string;
  batch: number;
  body: 'plain' | 'gzip';
  connections: number;
}

/** The three shapes: the SDK's batches (plain, gzip) and a browser's one event per request. */
export function durableModes(connections: number): DurableMode[] {
  return [
    { label: '50-event batches, plain', batch: 50, body: 'plain', connections },
    { label: '50-event batches, gzip', batch: 50, body: 'gzip', connections },
    { label: '1-event requests', batch: 1, body: 'plain', connections: 16 },
  ];
}

export interface DurableRun extends LoadResult {
  /** Server peak RSS, MiB. */
  peak: number;
  /** Server CPU per acknowledged event, µs (the tsx loader's start-up is before the load). */
  cpuMicrosPerEvent: number;
}

/**
 * The bodies a run sends: the same key, seed and clock give the same bodies (lib/events.ts), so
 * a reference run and the run it is compared with see exactly the same requests.
 */
export interface SameBodies {
  publicKey: string;
  seed: number;
  now: number;
}

/** Bodies for one pair of runs: the key a Sightline under test accepts, a fixed seed, now. */
export function pairBodies(publicKey: string): SameBodies {
  return { publicKey, seed: 17, now: Date.now() };
}

async function startServer(
  sink: DurableSink,
  dataDir: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER, sink, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`durable server (${sink}) exited with ${code}`)));
  });
  return { url, child };
}

/** One run: a fresh server with a fresh data dir, the load generator for `seconds`. */
export async function runDurable(
  sink: DurableSink,
  mode: DurableMode,
  seconds: number,
  bodies: SameBodies = pairBodies('sl_pub_durable_reference'),
): Promise<DurableRun> {
  const dataDir = mkdtempSync(join(tmpdir(), `sightline-durable-${sink}-`));
  const { url, child } = await startServer(sink, dataDir);
  try {
    const cpuBefore = cpuSeconds(child.pid!);
    const load = await runLoadGenerator(
      { url, publicKey: bodies.publicKey },
      { ...loadFor(mode, seconds), seed: bodies.seed, now: bodies.now },
    );
    const cpu = cpuSeconds(child.pid!) - cpuBefore;
    return {
      ...load,
      peak: rssMiB(child.pid!).peak,
      cpuMicrosPerEvent: (cpu * 1e6) / Math.max(1, load.acked),
    };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The load generator's request for a shape. */
export function loadFor(mode: DurableMode, seconds: number): LoadRequest {
  return { connections: mode.connections, seconds, mode: mode.body, batch: mode.batch };
}

/** `min / **median** / max` of a figure over runs. */
export function spread(values: number[], digits = 0): string {
  const { min, median, max } = summarize(values);
  return `${fmt(min, digits)} / **${fmt(median, digits)}** / ${fmt(max, digits)}`;
}

export function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

export interface DurableOptions {
  runs: number;
  seconds: number;
  connections: number;
}

/** The reference alone, as a Markdown table. */
export async function benchDurableReference(options: DurableOptions): Promise<string[]> {
  const lines = [
    `## Durable reference (node:http + JSON.parse + NDJSON append + group fdatasync): ${options.seconds} s per run, ${options.runs} runs (min / median / max)`,
    '',
    '| load | events/s | p50 ack ms | p99 ack ms | server RSS MiB (peak) | non-200 | load average at end |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const mode of durableModes(options.connections)) {
    const runs: DurableRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      const run = await runDurable('ndjson', mode, options.seconds);
      process.stderr.write(
        `  durable reference, ${mode.label}, run ${i + 1}: ${fmt(run.eventsPerSecond)} ev/s\n`,
      );
      runs.push(run);
    }
    lines.push(
      `| ${mode.label} (${mode.connections} connections) | ${spread(runs.map((r) => r.eventsPerSecond))} | ${spread(
        runs.map((r) => r.p50),
        1,
      )} | ${spread(
        runs.map((r) => r.p99),
        1,
      )} | ${spread(runs.map((r) => r.peak))} | ${runs.reduce((n, r) => n + r.failed + r.unavailable, 0)} | ${loadAverage()} |`,
    );
  }
  return lines;
}
