import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type SightlineProcess, startSightline } from '../../../../e2e/support/sightline.js';
import { createRng, type Rng } from '../../src/simulate/prng.js';
import { tornTail } from '../support/torn-tail.js';
import {
  errorInsights,
  exportWindow,
  lastSegment,
  storedOnce,
  type Window,
  waitUntilCaughtUp,
} from './checks.js';
import { awaitKillMoment, PHASE_TRAFFIC, PHASES, type Phase } from './kill-moments.js';
import { retryBatches, type SentBatch, Traffic } from './traffic.js';

/**
 * Issue #17: capture acknowledges once an event is fsync'd to the event log; a loader moves the log
 * into DuckDB and the stream processor follows it. A real `sightline start` is SIGKILLed at moments
 * aimed at each of them (kill-moments.ts), in a seeded random order; after every restart the cut
 * requests are retried, and the events of that run must be stored exactly once with exactly one
 * error insight each, the log's torn tail (sometimes made worse on purpose) cut. At the end the
 * whole store is checked again, so a later kill cannot have doubled or lost an earlier run's work.
 */
const KILLS_PER_PHASE = 7;
/** Random unless given: each run aims its kills at other moments; the seed is printed to replay one. */
const SEED = Number(process.env['SIGHTLINE_KILL_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
/** Share of kills followed by garbage appended to the log's last segment (a torn tail to repair). */
const TORN_TAIL_CHANCE = 0.4;
const KEYS = { publicKey: 'sl_pub_killtest', secretKey: 'sl_sec_killtest' };
/**
 * 256 KiB segments (default 64 MiB), about 800 events each: kills land around segment rolls, and
 * consumed segments are removed between kills, as they are over days of a real server's life.
 */
const SERVER_ENV = { SIGHTLINE_LOG_SEGMENT_BYTES: String(256 * 1024) };

/** One run of the server up to its kill, and what its clients saw. */
interface Run {
  phase: Phase;
  /** Event timestamps of this run's batches (retries keep them). */
  window: Window;
  acked: SentBatch[];
  unacked: SentBatch[];
  /** Its error insights, as first verified after the restart. */
  insightIds: Set<string>;
}

const uuidsOf = (batches: readonly SentBatch[]) => batches.flatMap((b) => b.uuids);
const errorsOf = (batches: readonly SentBatch[]) => batches.flatMap((b) => b.errors);

function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * After a restart: the run's cut batches are retried (each answered 200, fresh or duplicate); then
 * its window holds every batch sent exactly once, and one error insight per error event.
 */
async function verifyRun(server: SightlineProcess, run: Run): Promise<{ landed: number }> {
  const retried = await retryBatches(server, run.unacked);
  expect(retried.refusals).toEqual([]);
  await waitUntilCaughtUp(server);
  const batches = [...run.acked, ...run.unacked];
  const stored = await exportWindow(server, run.window);
  expect(storedOnce(stored, new Set(uuidsOf(batches)))).toEqual({
    missing: [],
    repeated: [],
    unexpected: [],
  });
  const errors = errorsOf(batches);
  const insights = await errorInsights(server, run.window);
  expect(insights.flatMap((i) => i.data.evidence ?? []).sort()).toEqual([...errors].sort());
  expect(insights.length).toBe(errors.length);
  for (const insight of insights) run.insightIds.add(insight.id);
  return { landed: retried.duplicates };
}

describe('log-first ingest survives kill -9 while appending, loading and processing', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-log-kill-'));
  const start = () => startSightline({ dataDir, ...KEYS, env: SERVER_ENV });
  let server: SightlineProcess | undefined;
  afterAll(async () => {
    await server?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`keeps every acknowledged event exactly once and every insight once across ${KILLS_PER_PHASE * PHASES.length} kills`, {
    timeout: 240_000,
  }, async () => {
    console.log(`kill test seed ${SEED} (SIGHTLINE_KILL_SEED=${SEED} replays its choices)`);
    const rng = createRng(SEED);
    const phases = shuffled(
      PHASES.flatMap((phase) => Array.from({ length: KILLS_PER_PHASE }, () => phase)),
      rng,
    );
    const runs: Run[] = [];
    let tornTails = 0;
    const started = performance.now();
    server = await start();

    for (const [k, phase] of phases.entries()) {
      const from = Date.now();
      const traffic = new Traffic(server, PHASE_TRAFFIC[phase]);
      const moment = await awaitKillMoment(phase, server, traffic, rng);
      const inFlight = traffic.inFlight;
      await server.kill();
      await traffic.done;
      const run: Run = {
        phase,
        window: { from, to: Date.now() + 1 },
        acked: traffic.acked,
        unacked: traffic.unacked,
        insightIds: new Set(),
      };
      runs.push(run);
      console.log(
        `kill ${k + 1}/${phases.length} (${phase}): ${moment}; ${inFlight} requests in flight; ` +
          `${run.acked.length} batches acknowledged (${uuidsOf(run.acked).length} events), ${run.unacked.length} cut`,
      );
      expect(traffic.refusals, `seed ${SEED}`).toEqual([]);
      // Killed mid-request, not between requests (the appends phase aims at exactly that).
      if (phase === 'append') expect(inFlight, `seed ${SEED}`).toBeGreaterThan(0);

      // Sometimes also leave what a machine crash could: garbage after the last synced byte.
      const segment = await lastSegment(dataDir);
      const garbage = rng.chance(TORN_TAIL_CHANCE) ? tornTail(rng.next) : null;
      if (garbage) appendFileSync(segment.path, garbage);

      const restartedAt = performance.now();
      server = await start();
      const restartMs = Math.round(performance.now() - restartedAt);
      // Opening cut the garbage (and whatever the kill tore) before anything was appended.
      if (garbage) {
        expect(statSync(segment.path).size, `seed ${SEED}`).toBeLessThanOrEqual(segment.size);
        tornTails++;
      }
      const { landed } = await verifyRun(server, run);
      console.log(
        `  restarted in ${restartMs} ms${garbage ? `, cut a torn tail of ${garbage.length} bytes` : ''}; ` +
          `${landed} events of the cut batches had landed; all stored once, ${run.insightIds.size} error insights once each`,
      );
    }

    // The whole store: nothing lost or doubled by a later kill, seqs dense (seq = log offset + 1).
    const expected = new Set(runs.flatMap((r) => uuidsOf([...r.acked, ...r.unacked])));
    const stored = await exportWindow(server);
    expect(storedOnce(stored, expected)).toEqual({ missing: [], repeated: [], unexpected: [] });
    const seqs = stored.map((e) => e.seq).sort((a, b) => a - b);
    expect(seqs[0]).toBe(1);
    expect(seqs.at(-1)).toBe(seqs.length);
    expect(new Set(seqs).size).toBe(seqs.length);
    // Insights verified after each restart are still exactly those: replays after later kills added none.
    const all = await errorInsights(server, { from: runs[0]!.window.from, to: runs.at(-1)!.window.to });
    expect(new Set(all.map((i) => i.id))).toEqual(new Set(runs.flatMap((r) => [...r.insightIds])));
    expect(all.length).toBe(runs.reduce((n, r) => n + errorsOf([...r.acked, ...r.unacked]).length, 0));
    expect(tornTails).toBeGreaterThan(0);
    expect(await server.stop()).toBe(0);
    server = undefined;
    console.log(
      `${phases.length} kills in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${SEED}): ` +
        `${expected.size} events stored once each, ${all.length} error insights once each, ${tornTails} torn tails cut`,
    );
  });
});
