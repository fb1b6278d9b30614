import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** chDB is 566 MB, so it stays out of package.json: the ClickHouse tests fetch it into this cache folder. */
export const CHDB_VERSION = '3.4.0';
export const CHDB_CACHE = fileURLToPath(
  new URL('../../../../node_modules/.cache/sightline-chdb', import.meta.url),
);

/** The folder `require('chdb')` resolves from, installing chDB there first when missing. */
export function ensureChdb(): string {
  const marker = `${CHDB_CACHE}/node_modules/chdb/package.json`;
  const library = `${CHDB_CACHE}/node_modules/@chdb`;
  if (!existsSync(marker) || !existsSync(library)) {
    mkdirSync(CHDB_CACHE, { recursive: true });
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', CHDB_CACHE, `chdb@${CHDB_VERSION}`],
      {
        stdio: 'inherit',
        timeout: 15 * 60_000,
      },
    );
  }
  return CHDB_CACHE;
}
