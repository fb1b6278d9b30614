import { booleanFromEnv } from '../env.js';

/**
 * Whether the demo (its page at /demo/, its API at /demo/api/*, demo traffic) is served: the
 * `--demo` / `--no-demo` flag, else SIGHTLINE_DEMO, else off. Off by default because its routes
 * are public and write to disk; `npm start` passes `--demo`.
 */
export function demoEnabled(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  return booleanFromEnv(env, 'SIGHTLINE_DEMO') ?? false;
}
