// Builds the script-tag bundle dist/sightline.iife.js (global `sightline`, every plugin, minified).
// The ESM build and its .d.ts come from `tsc -b`.

import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: ['src/iife.ts'],
  outfile: 'dist/sightline.iife.js',
  bundle: true,
  format: 'iife',
  minify: true,
  target: ['es2020'],
  platform: 'browser',
  legalComments: 'none',
  sourcemap: 'linked',
  logLevel: 'warning',
});
