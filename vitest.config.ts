import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const schemaSrc = (file: string) => fileURLToPath(new URL(`./packages/schema/src/${file}`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources; the built dist is what `sightline` runs.
    // Subpath exports (`@sightline/schema/friction`) map to their source file, the root to index.ts.
    alias: [
      { find: /^@sightline\/schema$/, replacement: schemaSrc('index.ts') },
      { find: /^@sightline\/schema\/(.+)$/, replacement: schemaSrc('$1.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One clickhouse-server for the run (and chDB fetched into its cache) for the ClickHouse engine tests.
    globalSetup: ['packages/server/test/clickhouse/global-setup.ts'],
    reporters: ['default'],
  },
});
