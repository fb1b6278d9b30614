import { type RunningSightline, startSightline } from '../app.js';
import { resolveConfig, type StartFlags } from '../config.js';
import { startBanner } from './banner.js';

/** `sightline start`: runs until SIGTERM/SIGINT, then shuts down cleanly and exits 0. */
export async function runStart(flags: StartFlags): Promise<void> {
  const config = resolveConfig(flags);
  let app: RunningSightline | undefined;
  let stopping: string | undefined;
  const stop = (signal: string) => {
    if (stopping || !app) {
      // A signal during start-up is honoured once the database is open (see below).
      stopping ??= signal;
      return;
    }
    stopping = signal;
    process.stdout.write(`\n${signal}: finishing in-flight requests and closing the database…\n`);
    app.close().then(
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
  process.stdout.write(startBanner(app, config));
  const early = stopping;
  if (early) {
    stopping = undefined;
    stop(early);
  }
}
