import type { EventLog } from '../../log/event-log.js';
import type { SqlFragment } from '../../sql/sql.js';
import type {
  EngineHealth,
  EventRow,
  ExportRange,
  InsertResult,
  QueryOptions,
  QueryRow,
  RecordStorage,
  StorageEngine,
  StorageErrorKind,
  StoredEvent,
} from '../engine.js';
import type { HealthMonitor, RecoveryOptions } from '../engine-health.js';
import type { PartitionLoaderListeners, PartitionStorage } from '../partition-storage.js';
import { DelegatingRecordStorage, type RecordMethod } from '../records/delegating-record-storage.js';
import { ProcessorStore } from '../records/processor-store.js';
import { recordStorage } from '../records/record-storage.js';
import { EVENT_COLUMNS, toStoredEvent } from '../stored-event.js';
import { openChdbTransport } from './chdb-transport.js';
import { eventsDdl, type Layout } from './ddl.js';
import { clickhouseDialect } from './dialect.js';
import { classifyStorageError } from './errors.js';
import { ClickHouseEventWriter, MAX_NODES, seqRange } from './event-writer.js';
import { guardTransport } from './guarded-transport.js';
import { openHttpTransport } from './http-transport.js';
import { literalIdentifier } from './identifiers.js';
import { literal, renderSql } from './literals.js';
import { migrateEventColumns, migrateRecordTables } from './migrations.js';
import { ClickHousePartitionLoader, partitionNode, partitionRange } from './partition-loader.js';
import { ClickHouseRecordExecutor } from './record-executor.js';
import type { ClickHouseTransport, Settings } from './transport.js';
import { toRows } from './values.js';

export { literal, renderSql } from './literals.js';

export interface ClickHouseEngineOptions {
  /** A server over HTTP, or chDB in process (same engine, another transport). */
  connection: { url: string } | { chdbFrom: string; dataPath: string };
  /** Sightline's database (created when missing). Default `sightline`. */
  database?: string;
  /** A remote_servers cluster: `events` becomes a Distributed table over its shards. */
  cluster?: string;
  /** This node's id, 0..1023: it owns seqs node·2^43 … (node+1)·2^43 − 1 and its own processor state. */
  node?: number;
  /** How an unreachable server is pinged until it answers (engine-health.ts). */
  recovery?: Partial<RecoveryOptions>;
}

const EXPORT_CHUNK_ROWS = 2048;
const SELECT_EVENT = `SELECT ${EVENT_COLUMNS.join(', ')} FROM events`;

/** The ClickHouse engine: events and queries here, records through the shared stores (records/). */
class ClickHouseEngine extends DelegatingRecordStorage implements StorageEngine {
  readonly name: string;
  readonly dialect = clickhouseDialect;
  private readonly records: RecordStorage;
  /** Partitions of the NATS log (`--log nats`): each numbers its events and keeps its processor state as node 1023 − p. */
  readonly partitions: PartitionStorage = {
    openLoader: (partition: number, log: EventLog, listeners: PartitionLoaderListeners) =>
      ClickHousePartitionLoader.open(this.transport, this.settings, partition, log, undefined, listeners),
    processorStore: (partition: number) => {
      // Lanes of its own: partitions write disjoint sessions, and one queue for all of them held
      // every partition's commit behind the others' (measured: commits waited 1–5 s under load).
      const store = new ProcessorStore(
        new ClickHouseRecordExecutor(this.transport),
        partitionNode(partition),
      );
      return {
        loadProcessorState: () => store.loadState(),
        commitProcessorBatch: (batch) => store.commit(batch),
        saveProcessorState: (state) => store.saveState(state),
      };
    },
    seqBase: (partition: number) => partitionRange(partition).low,
  };

  constructor(
    private readonly transport: ClickHouseTransport,
    private readonly writer: ClickHouseEventWriter,
    private readonly recordExecutor: ClickHouseRecordExecutor,
    private readonly node: number,
    /** Distributed tables: sub-queries over `events` run once on the initiator (GLOBAL), inserts wait for the shards. */
    private readonly settings: Settings,
    name: string,
    /** Kept by the guarded transport every statement goes through (guarded-transport.ts). */
    private readonly monitor: HealthMonitor,
  ) {
    super();
    this.name = name;
    this.records = recordStorage(recordExecutor, node);
  }

  protected callRecords<M extends RecordMethod>(
    method: M,
    ...args: Parameters<RecordStorage[M]>
  ): ReturnType<RecordStorage[M]> {
    const run = this.records[method] as (
      ...args: Parameters<RecordStorage[M]>
    ) => ReturnType<RecordStorage[M]>;
    return run(...args);
  }

  health(): EngineHealth {
    return this.monitor.health();
  }

  recover(): Promise<boolean> {
    return this.monitor.recover();
  }

  classifyError(error: unknown): StorageErrorKind {
    return classifyStorageError(error);
  }

  insertEvents(rows: readonly EventRow[]): Promise<InsertResult> {
    return this.writer.insert(rows);
  }

  async readEventsAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    // This node's events only: its processor handles the sessions routed to it (docs/SCALING.md).
    const { low, high } = seqRange(this.node);
    return (
      await this.select(
        `${SELECT_EVENT} WHERE seq > ${literal(Math.max(afterSeq, low))} AND seq < ${high} ORDER BY seq LIMIT ${Math.trunc(limit)}`,
      )
    ).map(toStoredEvent);
  }

  /** Keyset pages over (timestamp, seq): each page is one bounded query, and a stopped export holds nothing open. */
  async *exportEvents(projectId: string, range: ExportRange): AsyncIterable<StoredEvent[]> {
    const scope = `project_id = ${literal(projectId)} AND timestamp >= ${literal(Math.floor(range.from))} AND timestamp < ${literal(Math.ceil(range.to))}`;
    let after = '';
    for (;;) {
      const rows = (
        await this.select(
          `${SELECT_EVENT} WHERE ${scope}${after} ORDER BY timestamp, seq LIMIT ${EXPORT_CHUNK_ROWS}`,
        )
      ).map(toStoredEvent);
      if (rows.length === 0) return;
      yield rows;
      if (rows.length < EXPORT_CHUNK_ROWS) return;
      const last = rows[rows.length - 1] as StoredEvent;
      after = ` AND (timestamp > ${last.timestamp} OR (timestamp = ${last.timestamp} AND seq > ${last.seq}))`;
    }
  }

  async countEvents(projectId: string, range: ExportRange): Promise<number> {
    const [row] = await this.select(
      `SELECT count() AS n FROM events WHERE project_id = ${literal(projectId)}
       AND timestamp >= ${literal(Math.floor(range.from))} AND timestamp < ${literal(Math.ceil(range.to))}`,
    );
    return Number(row?.['n'] ?? 0);
  }

  query(fragment: SqlFragment, options?: QueryOptions): Promise<QueryRow[]> {
    if (!options) return this.select(renderSql(fragment));
    const settings = { ...this.settings };
    // The server stops the query itself past its budget (whole seconds; the signal is the sooner stop).
    if (options.timeoutMs !== undefined)
      settings['max_execution_time'] = Math.max(1, Math.ceil(options.timeoutMs / 1000));
    return this.select(renderSql(fragment), settings, options.signal);
  }

  async close(): Promise<void> {
    await this.writer.drain();
    await this.recordExecutor.close();
    await this.transport.close();
  }

  private async select(text: string, settings = this.settings, signal?: AbortSignal): Promise<QueryRow[]> {
    return toRows(await this.transport.query(text, settings, signal ? { signal } : undefined));
  }
}

/** The shard databases of a cluster: each replica's default_database ('' means the server's default). */
async function shardDatabases(transport: ClickHouseTransport, cluster: string): Promise<string[]> {
  const result = await transport.query(
    `SELECT DISTINCT default_database AS db FROM system.clusters WHERE cluster = ${literal(cluster)}`,
  );
  if (result.data.length === 0) throw new Error(`ClickHouse has no cluster "${cluster}" in remote_servers`);
  return result.data.map((r) => literalIdentifier(String(r['db']) || 'default'));
}

/** Opens (creating its tables when missing) Sightline's ClickHouse engine. */
export async function openClickHouseEngine(options: ClickHouseEngineOptions): Promise<StorageEngine> {
  const database = literalIdentifier(options.database ?? 'sightline');
  const node = options.node ?? 0;
  if (!Number.isInteger(node) || node < 0 || node >= MAX_NODES)
    throw new Error(`ClickHouse node id must be an integer 0..${MAX_NODES - 1}, got ${node}`);
  const chdb = 'chdbFrom' in options.connection;
  const kind = chdb ? 'chdb' : options.cluster ? 'clickhouse-distributed' : 'clickhouse';
  const { transport, monitor } = guardTransport(
    'chdbFrom' in options.connection
      ? await openChdbTransport({ ...options.connection, database })
      : await openHttpTransport({ url: options.connection.url, database }),
    kind,
    options.recovery,
  );
  try {
    const settings: Settings = { output_format_json_quote_64bit_integers: 0 };
    const layout: Layout = { database };
    if (options.cluster) {
      const name = literalIdentifier(options.cluster);
      layout.cluster = { name, shardDatabases: await shardDatabases(transport, name) };
      settings['distributed_product_mode'] = 'global';
      settings['insert_distributed_sync'] = 1;
    }
    for (const statement of eventsDdl(layout)) await transport.command(statement);
    await migrateEventColumns(transport, layout);
    await migrateRecordTables(transport);
    const writer = await ClickHouseEventWriter.open(transport, node, settings);
    return new ClickHouseEngine(
      transport,
      writer,
      new ClickHouseRecordExecutor(transport),
      node,
      settings,
      kind,
      monitor,
    );
  } catch (error) {
    await transport.close().catch(() => undefined);
    throw error;
  }
}
