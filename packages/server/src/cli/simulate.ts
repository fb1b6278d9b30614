import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { DEFAULTS } from '../config.js';
import {
  DEFAULT_FRICTION,
  type FrictionOptions,
  TrafficSimulator,
  type TrafficStats,
} from '../simulate/index.js';

export interface SimulateFlags {
  rate?: string;
  duration?: string;
  url?: string;
  key?: string;
  dataDir?: string;
  seed?: string;
  rageClicks?: string;
  errors?: string;
  stalls?: string;
  abandon?: string;
  interventions?: boolean;
}

function number(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return n;
}

/** The public key: --key, else SIGHTLINE_PUBLIC_KEY, else the data dir's keys.json (what `start` wrote). */
export async function resolvePublicKey(
  flags: SimulateFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (flags.key) return flags.key;
  if (env['SIGHTLINE_PUBLIC_KEY']) return env['SIGHTLINE_PUBLIC_KEY'];
  const dataDir = resolve(flags.dataDir ?? env['SIGHTLINE_DATA_DIR'] ?? DEFAULTS.dataDir);
  try {
    const keys = JSON.parse(await readFile(join(dataDir, 'keys.json'), 'utf8')) as { publicKey?: unknown };
    if (typeof keys.publicKey === 'string' && keys.publicKey !== '') return keys.publicKey;
  } catch {
    // Reported below with what to do instead.
  }
  throw new Error(
    `no public key: pass --key, set SIGHTLINE_PUBLIC_KEY, or point --data-dir at the server's data directory (${dataDir} has no keys.json)`,
  );
}

export function summary(stats: TrafficStats): string {
  return [
    `sessions: ${stats.sessionsStarted} started, ${stats.sessionsFinished} finished, ${stats.sessionsCut} still running at the end (they left the page)`,
    `events:   ${stats.eventsSent} sent, ${stats.accepted} accepted (${stats.duplicates} duplicates), ${stats.rejected} rejected, ${stats.dropped} dropped`,
    `interventions: ${stats.interventionsReceived} received and answered, ${stats.sessionsRescued} visitors stayed`,
    `errors:   ${stats.requestErrors} failed requests${stats.lastError ? ` (last: ${stats.lastError})` : ''}`,
  ].join('\n');
}

/** `sightline simulate`: demo-app sessions with friction, paced in real time, against a running server. */
export async function runSimulate(flags: SimulateFlags): Promise<void> {
  const rate = number('rate', flags.rate, 20, 0.01, 1_000_000);
  const durationS = number('duration', flags.duration, 60, 0.1, 31_536_000);
  const friction: FrictionOptions = {
    rageClicks: number('rage-clicks', flags.rageClicks, DEFAULT_FRICTION.rageClicks, 0, 1),
    errors: number('errors', flags.errors, DEFAULT_FRICTION.errors, 0, 1),
    stalls: number('stalls', flags.stalls, DEFAULT_FRICTION.stalls, 0, 1),
    abandon: number('abandon', flags.abandon, DEFAULT_FRICTION.abandon, 0, 1),
  };
  const url = (flags.url ?? `http://${DEFAULTS.host}:${DEFAULTS.port}`).replace(/\/+$/, '');
  const key = await resolvePublicKey(flags);
  const health = await fetch(`${url}/healthz`).catch((error: Error) => error);
  if (health instanceof Error || !health.ok)
    throw new Error(
      `no Sightline server answers at ${url} (start one with \`npx sightline start\`, or pass --url)`,
    );

  const seed =
    flags.seed === undefined ? Date.now() % 2 ** 31 : number('seed', flags.seed, 0, 0, 2 ** 32 - 1);
  process.stderr.write(
    `simulating ${rate} events/s for ${durationS} s against ${url} (seed ${seed}; friction: rage clicks ${friction.rageClicks}, errors ${friction.errors}, stalls ${friction.stalls}, abandon ${friction.abandon})\n`,
  );
  const sim = new TrafficSimulator({
    url,
    key,
    rate,
    durationMs: durationS * 1000,
    seed,
    friction,
    interventions: Boolean(flags.interventions),
  }).start();
  const bar = new SingleBar({
    format:
      '[{bar}] {value}/{total} s | {sessions} sessions ({active} active) | {sent} sent, {accepted} accepted, {errors} errors',
    stream: process.stderr,
    // Without a terminal (logs, CI) a line every 5 s instead of a redrawn bar.
    noTTYOutput: true,
    notTTYSchedule: 5000,
  });
  const payload = (s: TrafficStats) => ({
    sessions: s.sessionsStarted,
    active: s.activeSessions,
    sent: s.eventsSent,
    accepted: s.accepted,
    errors: s.requestErrors,
  });
  const total = Math.ceil(durationS);
  bar.start(total, 0, payload(sim.stats()));
  const timer = setInterval(() => {
    const s = sim.stats();
    bar.update(Math.min(total, Math.floor(s.elapsedMs / 1000)), payload(s));
  }, 500);
  const interrupt = () => void sim.stop();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const stats = await sim.done;
    bar.update(Math.min(total, Math.floor(stats.elapsedMs / 1000)), payload(stats));
    bar.stop();
    process.stdout.write(`${summary(stats)}\n`);
    if (stats.accepted === 0 && stats.eventsSent > 0) process.exitCode = 1;
  } finally {
    clearInterval(timer);
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
