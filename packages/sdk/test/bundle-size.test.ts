import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LIB_VERSION } from '../src/version.js';

const sdk = fileURLToPath(new URL('..', import.meta.url));
/** The budget (docs/ARCHITECTURE.md, Budgets): SDK core + all plugins, minified + gzip. */
const GZIP_BUDGET_BYTES = 10 * 1024;

describe('script-tag bundle', () => {
  it(`stays under ${GZIP_BUDGET_BYTES} bytes minified + gzip`, () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: sdk });
    const bundle = readFileSync(`${sdk}/dist/sightline.iife.js`);
    const gzip = gzipSync(bundle, { level: 9 }).length;
    const brotli = brotliCompressSync(bundle, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    console.log(`sightline.iife.js: ${bundle.length} B minified, ${gzip} B gzip, ${brotli} B brotli`);
    expect(gzip).toBeLessThan(GZIP_BUDGET_BYTES);
    // Every plugin is in the bundle.
    for (const event of ['page_view', 'page_performance', 'web_vitals', 'engagement_summary', 'scroll_depth'])
      expect(bundle.toString()).toContain(event);
    for (const event of [
      'user_click',
      'rage_click',
      'dead_click',
      'tab_hidden',
      'journey_abandoned',
      'upload_progress',
    ])
      expect(bundle.toString()).toContain(event);
  });

  it('reports the package version as $lib_version', () => {
    const pkg = JSON.parse(readFileSync(`${sdk}/package.json`, 'utf8'));
    expect(LIB_VERSION).toBe(pkg.version);
  });
});
