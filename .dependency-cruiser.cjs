/**
 * Import directions (docs/ARCHITECTURE.md, Import rules), checked by `npm test` (npm run check:imports).
 * Allowed imports point down: apps → react/client/sdk → schema; server → schema.
 */
const ENGINE_DRIVERS = ['@duckdb/node-api', '@clickhouse/client', 'chdb'];
const driverPattern = `^(${ENGINE_DRIVERS.map((d) => d.replace(/[/.]/g, '\\$&')).join('|')})($|/)`;

module.exports = {
  forbidden: [
    {
      name: 'browser-imports-server',
      comment: 'Browser packages (sdk, react, client, apps) never import server code.',
      severity: 'error',
      from: { path: '^(packages/(sdk|react|client)|apps)/' },
      to: { path: '^packages/server/|node_modules/@sightline/server/' },
    },
    {
      name: 'schema-imports-internal',
      comment: 'packages/schema is the bottom layer: no internal imports.',
      severity: 'error',
      from: { path: '^packages/schema/' },
      to: { path: '^(packages|apps)/(?!schema/)|node_modules/@sightline/' },
    },
    {
      name: 'engine-driver-outside-storage-engine-folder',
      comment: 'Only storage/<engine>/ imports an engine driver.',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/server/src/storage/[^/]+/' },
      to: { path: driverPattern, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'engine-driver-module-outside-storage-engine-folder',
      comment: 'Only storage/<engine>/ imports an engine driver (resolved path).',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/server/src/storage/[^/]+/' },
      to: { path: `node_modules/(${ENGINE_DRIVERS.map((d) => d.replace(/[/.]/g, '\\$&')).join('|')})/` },
    },
    {
      name: 'sdk-runtime-dependency',
      comment: 'The browser SDK has zero runtime dependencies (type imports of @sightline/schema only).',
      severity: 'error',
      from: { path: '^packages/sdk/src/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'],
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'storage-imports-upper-layer',
      comment:
        'storage/ is below the query, HTTP, live and processor layers: it never imports them (SQL it builds comes from sql/).',
      severity: 'error',
      from: { path: '^packages/server/src/storage/' },
      to: { path: '^packages/server/src/(query|http|live|processor)/' },
    },
    {
      name: 'sql-imports-server',
      comment:
        'sql/ (the SQL builder and the dialect interface) is the bottom of the server: it imports only itself.',
      severity: 'error',
      from: { path: '^packages/server/src/sql/' },
      to: { path: '^packages/server/src/(?!sql/)' },
    },
    {
      name: 'processor-imports-delivery',
      comment:
        'The processor hands its outputs over through onCommitted (wired in app.ts); delivery sits above it.',
      severity: 'error',
      from: { path: '^packages/server/src/processor/' },
      to: { path: '^packages/server/src/delivery/' },
    },
    {
      name: 'server-circular',
      comment:
        'No import cycles in the server (type-only imports count: they couple the modules all the same).',
      severity: 'error',
      from: { path: '^packages/server/src/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: { path: '^(packages|apps)/[^/]+/src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
