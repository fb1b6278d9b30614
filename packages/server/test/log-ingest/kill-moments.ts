import { setTimeout as sleep } from 'node:timers/promises';
import type { SightlineProcess } from '../../../../e2e/support/sightline.js';
import type { Rng } from '../../src/simulate/prng.js';
import { eventLogHealth, waitFor } from './checks.js';
import type { Traffic, TrafficShape } from './traffic.js';

/** What the server is busy with when the kill lands. */
export type Phase = 'append' | 'load' | 'process';
export const PHASES: readonly Phase[] = ['append', 'load', 'process'];

/**
 * The traffic each phase runs. Appends: many small requests, so several are mid-append at any
 * moment. Load: large batches, so acknowledged events pile up ahead of the loader. Process: half
 * the events are errors, so the processor commits insights with nearly every checkpoint.
 */
export const PHASE_TRAFFIC: Record<Phase, TrafficShape> = {
  append: { connections: 4, events: 40, errorEvery: 10 },
  load: { connections: 4, events: 500, errorEvery: 100 },
  process: { connections: 3, events: 60, errorEvery: 2 },
};

/**
 * The loader moves up to 10,000 records per transaction (storage/log-loading.ts): this far behind,
 * it is inside a load batch, or about to start one, when the kill lands.
 */
const LOAD_BACKLOG_EVENTS = 2000;
/** Longest wait for the server to reach a phase's moment (it normally takes well under a second). */
const MOMENT_WAIT_MS = 20_000;

/**
 * Waits for the moment a phase aims its kill at, plus a random delay (seeded: a failure replays),
 * and says what it saw there. The caller kills right after.
 */
export async function awaitKillMoment(
  phase: Phase,
  server: SightlineProcess,
  traffic: Traffic,
  rng: Rng,
): Promise<string> {
  await traffic.firstAck;
  if (phase === 'append') {
    const delay = rng.int(0, 250);
    await sleep(delay);
    return `${delay} ms after the first acknowledgement`;
  }
  const behind = await waitFor(
    phase === 'load' ? `the loader ${LOAD_BACKLOG_EVENTS} events behind` : 'the processor behind',
    async () => {
      const health = await eventLogHealth(server);
      const lag = phase === 'load' ? health.loader_lag_events : health.processor_lag_events;
      return lag >= (phase === 'load' ? LOAD_BACKLOG_EVENTS : 1) ? lag : null;
    },
    MOMENT_WAIT_MS,
  );
  const delay = rng.int(0, 20);
  await sleep(delay);
  return `${phase === 'load' ? 'loader' : 'processor'} ${behind} events behind, +${delay} ms`;
}
