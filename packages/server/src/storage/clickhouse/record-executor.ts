import type { SqlFragment } from '../../sql/sql.js';
import { SerialQueue } from '../../util/serial-queue.js';
import type { QueryRow } from '../engine.js';
import { lastPerKey } from '../records/codec.js';
import { type AnyRecordTable, type ColumnSpec, columnsOf } from '../records/columns.js';
import type { RecordExecutor, RecordLane, RecordWriter } from '../records/executor.js';
import { renderSql } from './literals.js';
import type { ClickHouseTransport } from './transport.js';
import { nextVersion, toRows } from './values.js';

/**
 * The record stores' executor on ClickHouse, which has no transactions or cheap UPDATE: a record
 * table is versions in a ReplacingMergeTree behind a FINAL view (ddl.ts), and every write inserts
 * new versions (a removal: a version marked deleted). A "transaction" runs its writes in order,
 * one at a time, with nothing undone if it stops half way: the stores order their writes so that
 * is safe (records/executor.ts). Transactions of a lane run one at a time (read-modify-write of
 * versions); the state lane runs alongside the output lane, as on DuckDB.
 */
export class ClickHouseRecordExecutor implements RecordExecutor {
  private readonly lanes: Record<RecordLane, SerialQueue> = {
    output: new SerialQueue(),
    state: new SerialQueue(),
  };
  private readonly writer: RecordWriter;

  constructor(private readonly transport: ClickHouseTransport) {
    this.writer = {
      select: (fragment) => this.select(fragment),
      put: (table: AnyRecordTable, records: readonly object[]) =>
        this.insertVersions(table, lastPerKey(table, records), false),
      remove: (table: AnyRecordTable, keys: readonly object[]) => this.insertVersions(table, keys, true),
    };
  }

  async select(fragment: SqlFragment): Promise<QueryRow[]> {
    return toRows(await this.transport.query(renderSql(fragment)));
  }

  transaction<T>(work: (writer: RecordWriter) => Promise<T>, options?: { lane?: RecordLane }): Promise<T> {
    return this.lanes[options?.lane ?? 'output'].run(() => work(this.writer));
  }

  /** Waits for the transactions queued so far. */
  async close(): Promise<void> {
    await Promise.all(Object.values(this.lanes).map((lane) => lane.idle()));
  }

  private insertVersions(table: AnyRecordTable, records: readonly object[], deleted: boolean): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.transport.insert(
      `${table.name}_versions`,
      records.map((record) => versionRow(table, record as Record<string, unknown>, deleted)),
    );
  }
}

/**
 * A record as a new version of its row (JSONEachRow). A deleted version needs only its key: the
 * other columns get their type's empty value.
 */
function versionRow(
  table: AnyRecordTable,
  record: Record<string, unknown>,
  deleted: boolean,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [name, spec] of columnsOf(table)) {
    const value = record[name];
    row[name] = value === undefined && deleted ? emptyValue(spec) : columnValue(spec, value ?? null);
  }
  row['_deleted'] = deleted ? 1 : 0;
  row['_version'] = nextVersion();
  return row;
}

function columnValue(spec: ColumnSpec, value: unknown): unknown {
  if (value === null) return null;
  switch (spec.kind) {
    case 'json':
      return JSON.stringify(value);
    case 'bool':
      return value === true ? 'true' : 'false';
    case 'int64':
    case 'uint16':
      return Math.round(Number(value));
    default:
      return value;
  }
}

function emptyValue(spec: ColumnSpec): unknown {
  if (spec.nullable) return null;
  if (spec.kind === 'bool') return 'false';
  return spec.kind === 'string' || spec.kind === 'json' ? '' : 0;
}
