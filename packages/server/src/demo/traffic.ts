import { booleanFromEnv } from '../env.js';
import { TrafficSimulator } from '../simulate/index.js';

/**
 * Demo traffic of `sightline start`: a few overlapping sessions, enough for a live dashboard. An
 * average over the run (sessions are bursty: a page load or an upload sends several at once).
 */
export const DEMO_TRAFFIC_RATE = 8;

/**
 * Whether `start` sends demo traffic once the demo is on (`--demo`; without it, never): on unless
 * `--no-demo-traffic` (commander sets `demoTraffic: false`) or SIGHTLINE_DEMO_TRAFFIC is 0/false/off/no.
 */
export function demoTrafficEnabled(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  return booleanFromEnv(env, 'SIGHTLINE_DEMO_TRAFFIC') ?? true;
}

/** Starts the simulator against the server's own capture API (the same path browsers use). */
export function startDemoTraffic(url: string, publicKey: string): TrafficSimulator {
  return new TrafficSimulator({
    url,
    key: publicKey,
    rate: DEMO_TRAFFIC_RATE,
    maxInFlight: 2,
    // The dashboard's intervention numbers (delivered, shown, accepted) get real answers too.
    interventions: true,
  }).start();
}
