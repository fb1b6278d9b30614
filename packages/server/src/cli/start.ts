import { startSightline } from '../app.js';
import { resolveConfig, type StartFlags } from '../config.js';
import { startBanner } from './banner.js';

/** `sightline start`: runs until SIGTERM/SIGINT, then shuts down cleanly and exits 0. */
export async function runStart(flags: StartFlags): Promise<void> {
  const config = resolveConfig(flags);
  const app = await startSightline(config);
  process.stdout.write(startBanner(app, config));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
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
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
