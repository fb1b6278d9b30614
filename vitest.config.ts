import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const schemaSrc = (file: string) => fileURLToPath(new URL(`./packages/schema/src/${file}`, import.meta.url));

const QUIET = ['e2e/dashboard/charts-live.test.ts', 'e2e/dashboard/chart-updates.test.ts'];

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
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One clickhouse-server for the run (and chDB fetched into its cache) for the ClickHouse engine tests.
    globalSetup: ['packages/server/test/clickhouse/global-setup.ts'],
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'all',
          include: ['packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...QUIET],
        },
      },
      {
        // Tests that time what a person sees (a chart fully drawn within a second of a push) run
        // after the rest, on their own: beside the crash and disk-full tests' servers the 2-core
        // machine starves the browser, and the figure would measure the suite, not the dashboard.
        extends: true,
        test: { name: 'quiet', include: QUIET, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
