import { Command } from 'commander';
import { runExport } from './cli/export.js';
import { runProjectCreate, runProjectList } from './cli/project.js';
import { runSimulate } from './cli/simulate.js';
import { runStart } from './cli/start.js';

const program = new Command('sightline').description('Sightline: real-time user feedback loops, self-hosted');

program
  .command('start')
  .description('start the server (capture API, queries, export) on embedded DuckDB or ClickHouse')
  .option('--port <port>', 'port to listen on (env SIGHTLINE_PORT, default 8787; 0 = any free port)')
  .option('--host <host>', 'address to listen on (env SIGHTLINE_HOST, default 127.0.0.1)')
  .option(
    '--data-dir <dir>',
    'where the database and keys live (env SIGHTLINE_DATA_DIR, default ./.sightline)',
  )
  .option('--engine <engine>', 'storage engine: duckdb or clickhouse (env SIGHTLINE_ENGINE, default duckdb)')
  .option('--clickhouse-url <url>', 'with --engine clickhouse: the server (env SIGHTLINE_CLICKHOUSE_URL)')
  .option(
    '--clickhouse-cluster <name>',
    'with --engine clickhouse: a remote_servers cluster to shard events over (env SIGHTLINE_CLICKHOUSE_CLUSTER)',
  )
  .option(
    '--log <log>',
    'where capture acknowledges: file (default) or nats (env SIGHTLINE_LOG; needs --engine clickhouse)',
  )
  .option('--nats-url <urls>', 'with --log nats: NATS servers, comma-separated (env SIGHTLINE_NATS_URL)')
  .option(
    '--log-partitions <n>',
    'with --log nats: partitions of the log (env SIGHTLINE_LOG_PARTITIONS, default 16)',
  )
  .option(
    '--log-replicas <n>',
    'with --log nats: copies JetStream keeps (env SIGHTLINE_LOG_REPLICAS, default 3)',
  )
  .option('--node-id <n>', "with --log nats: this node's id, unique among the nodes (env SIGHTLINE_NODE_ID)")
  .option('--demo', 'serve the demo app at /demo/ and its upload API (env SIGHTLINE_DEMO=1; default off)')
  .option('--no-demo', 'do not serve the demo (the default; overrides SIGHTLINE_DEMO=1)')
  .option(
    '--no-demo-traffic',
    'with --demo: do not send simulated demo-app traffic (env SIGHTLINE_DEMO_TRAFFIC=0)',
  )
  .action(runStart);

program
  .command('simulate')
  .description('send realistic demo-app sessions with friction to a running server, paced in real time')
  .option('--rate <n>', 'events per second (default 20)')
  .option('--duration <s>', 'seconds to run (default 60)')
  .option('--url <url>', 'server URL (default http://127.0.0.1:8787)')
  .option('--key <key>', 'public key (default: env SIGHTLINE_PUBLIC_KEY, else <data-dir>/keys.json)')
  .option('--data-dir <dir>', "the server's data directory, to read its public key (default ./.sightline)")
  .option('--seed <n>', 'seed of the session generator (default: random)')
  .option('--rage-clicks <share>', 'share of sessions with rage clicks (default 0.1)')
  .option('--errors <share>', 'share of sessions with an error (default 0.05)')
  .option('--stalls <share>', 'share of sessions with a stalled upload (default 0.05)')
  .option('--abandon <share>', 'share of sessions that leave the funnel early (default 0.3)')
  .option('--interventions', 'sessions with friction listen for interventions and answer them')
  .action(runSimulate);

program
  .command('export')
  .description("write a stopped server's events as NDJSON, oldest first")
  .option('--data-dir <dir>', 'data directory (default ./.sightline)')
  .option('--out <file>', 'write to a file instead of stdout')
  .option('--project <id>', 'project id (default: default)')
  .option('--from <time>', 'ms since epoch or ISO-8601 (inclusive)')
  .option('--to <time>', 'ms since epoch or ISO-8601 (exclusive)')
  .action(runExport);

const project = program.command('project').description('manage projects (while the server is stopped)');
project
  .command('create <id>')
  .option('--name <name>', 'display name')
  .option('--data-dir <dir>', 'data directory (default ./.sightline)')
  .action(runProjectCreate);
project.command('list').option('--data-dir <dir>', 'data directory').action(runProjectList);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(`sightline: ${(error as Error).message}`);
  process.exit(1);
});
