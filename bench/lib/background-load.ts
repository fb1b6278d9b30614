import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const GENERATOR = fileURLToPath(new URL('../load-generator.ts', import.meta.url));

export interface LoadRequest {
  connections: number;
  seconds: number;
  mode: 'plain' | 'gzip';
  /** Events/s to pace at; unpaced (as fast as acknowledged) when absent. */
  rate?: number;
  /** Events per request (default 50). */
  batch?: number;
}

/** Runs bench/load-generator.ts in its own process; resolves with its one-line JSON result. */
export async function runLoadGenerator<Result>(
  server: { url: string; publicKey: string },
  load: LoadRequest,
): Promise<Result> {
  const args = [server.url, server.publicKey, String(load.connections), String(load.seconds), load.mode];
  if (load.rate !== undefined || load.batch !== undefined) args.push(String(load.rate ?? 0));
  if (load.batch !== undefined) args.push(String(load.batch));
  const { stdout } = await run(process.execPath, ['--import', 'tsx', GENERATOR, ...args], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Result;
}

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
  const load = runLoadGenerator<{ eventsPerSecond: number }>(server, {
    connections: 16,
    seconds: options.seconds,
    mode: 'plain',
    rate: options.rate,
  });
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
  return { results, failures, backgroundRate: (await load).eventsPerSecond };
}
