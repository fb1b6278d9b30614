import { type RunningSightline, startSightline } from '../app.js';
import { resolveConfig, type StartFlags } from '../config.js';
import { demoTrafficEnabled, startDemoTraffic } from '../demo/traffic.js';
import type { TrafficSimulator } from '../simulate/index.js';
import { startBanner } from './banner.js';

/** `--no-demo-traffic` makes commander set `demoTraffic: false`; `--demo` / `--no-demo` set `demo`. */
export type StartCommandFlags = StartFlags & { demoTraffic?: boolean };

/** `sightline start`: runs until SIGTERM/SIGINT, then shuts down cleanly and exits 0. */
export async function runStart(flags: StartCommandFlags): Promise<void> {
  const { demoTraffic: demoTrafficFlag, ...startFlags } = flags;
  const config = resolveConfig(startFlags);
  // Demo traffic is the demo app's visitors: none without the demo.
  const withTraffic = config.demo && demoTrafficEnabled(demoTrafficFlag);
  let app: RunningSightline | undefined;
  let traffic: TrafficSimulator | undefined;
  let stopping: string | undefined;
  const stop = (signal: string) => {
    if (stopping || !app) {
      // A signal during start-up is honoured once the database is open (see below).
      stopping ??= signal;
      return;
    }
    stopping = signal;
    process.stdout.write(`\n${signal}: finishing in-flight requests and closing the database…\n`);
    // The simulator's last events go out while the server still accepts them.
    const trafficStopped = traffic ? traffic.stop().then(() => undefined) : Promise.resolve();
    trafficStopped
      .then(() => app!.close())
      .then(
        () => {
          process.stdout.write('Sightline stopped.\n');
          process.exit(0);
        },
        (error: unknown) => {
          console.error('shutdown failed:', error);
          process.exit(1);
        },
      );
  };
  // Installed before anything is printed: a supervisor that signals as soon as it sees the banner
  // must never meet the default handler (which kills the process without closing the database).
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  app = await startSightline(config);
  if (withTraffic && !stopping) traffic = startDemoTraffic(app.url, app.keys.publicKey);
  process.stdout.write(startBanner(app, config, { demoTraffic: Boolean(traffic) }));
  const early = stopping;
  if (early) {
    stopping = undefined;
    stop(early);
  }
}
