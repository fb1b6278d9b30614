#!/usr/bin/env node
// The `sightline` command. Runs the compiled server; `npm ci` builds it (root `prepare`).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('sightline: the server is not built yet; run `npm run build` from the repository root');
  process.exit(1);
}
await import(cli.href);
