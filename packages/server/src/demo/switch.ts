/** Words an on/off environment variable may hold (case-insensitive); empty means unset. */
const ON = ['1', 'true', 'on', 'yes'];
const OFF = ['0', 'false', 'off', 'no'];

/**
 * Whether the demo (its page at /demo/, its API at /demo/api/*, demo traffic) is served: the
 * `--demo` / `--no-demo` flag, else SIGHTLINE_DEMO, else off. Off by default because its routes
 * are public and write to disk; `npm start` passes `--demo`.
 */
export function demoEnabled(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag;
  const value = (env['SIGHTLINE_DEMO'] ?? '').trim().toLowerCase();
  if (value === '') return false;
  if (ON.includes(value)) return true;
  if (OFF.includes(value)) return false;
  throw new Error(
    `SIGHTLINE_DEMO must be 1 or 0 (true/false, on/off, yes/no), got "${env['SIGHTLINE_DEMO']}"`,
  );
}
