import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GENERATOR = fileURLToPath(new URL('../load-generator.ts', import.meta.url));

export interface ProbeRun<T> {
  results: T[];
  failures: number;
  /** What the paced background generator actually achieved, events/s. */
  backgroundRate: number;
}

/**
 * Runs `probes` probes, evenly spaced, while the load generator sends `rate` events/s of
 * background traffic to the server for `seconds` (after a few seconds to reach its pace).
 */
export async function probeUnderLoad<T>(
  server: { url: string; publicKey: string },
  options: { rate: number; seconds: number; probes: number },
  probe: (index: number) => Promise<T>,
): Promise<ProbeRun<T>> {
  const load = run(
    process.execPath,
    [
      '--import',
      'tsx',
      GENERATOR,
      server.url,
      server.publicKey,
      '16',
      String(options.seconds),
      'plain',
      String(options.rate),
    ],
    { maxBuffer: 1 << 20 },
  );
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const results: T[] = [];
  let failures = 0;
  const spacing = ((options.seconds - 6) * 1000) / options.probes;
  for (let i = 0; i < options.probes; i++) {
    try {
      results.push(await probe(i));
    } catch {
      failures++;
    }
    await new Promise((resolve) => setTimeout(resolve, spacing));
  }
  const background = JSON.parse((await load).stdout.trim().split('\n').pop()!) as { eventsPerSecond: number };
  return { results, failures, backgroundRate: background.eventsPerSecond };
}
