import { type AnyRecordTable, type ColumnSpec, columnsOf } from '../records/columns.js';
import { RECORD_TABLES } from '../records/tables.js';
import { ADDED_EVENT_COLUMNS } from '../stored-event.js';
import {
  addedColumn,
  columnType,
  eventTables,
  type Layout,
  recordViewDdl,
  versionsTableDdl,
  zeroDefault,
} from './ddl.js';
import { literal } from './literals.js';
import type { ClickHouseTransport } from './transport.js';

/**
 * Adds to `events` the columns of ADDED_EVENT_COLUMNS a database made by an older version lacks:
 * on a cluster to each shard's local table first, then to the Distributed table that reads them.
 * One ALTER per column (metadata only; stored parts read the default), re-checked on failure as
 * for record tables, so nodes opening one database at once may both run it. Returns the
 * `table.column`s added.
 */
export async function migrateEventColumns(transport: ClickHouseTransport, layout: Layout): Promise<string[]> {
  const added: string[] = [];
  for (const { database, table } of eventTables(layout)) {
    const qualified = database ? `${database}.${table}` : table;
    const existing = await columnNames(transport, table, database);
    for (const { name, spec } of ADDED_EVENT_COLUMNS) {
      if (existing.has(name)) continue;
      try {
        await transport.command(`ALTER TABLE ${qualified} ADD COLUMN ${addedColumn(name, spec)}`);
      } catch (error) {
        if (!(await columnNames(transport, table, database)).has(name)) throw error;
      }
      added.push(`${qualified}.${name}`);
    }
  }
  return added;
}

/**
 * Brings a database's record tables to their declared shape (records/tables.ts) at open. A missing
 * table is created. A declared column missing from `<name>_versions` is added (ALTER TABLE … ADD
 * COLUMN, a metadata change): older versions read it as NULL where nullable, else the kind's zero
 * (e.g. '' for an insight's `problem`). Columns no longer declared stay in the versions table,
 * unread (new versions get their default). A view whose columns differ from the declaration is
 * dropped and created again (a view holds no data). Type changes are not migrated. Nodes that
 * open one database at once may both migrate it: every step is one that can run twice. Returns
 * the names of the tables changed.
 */
export async function migrateRecordTables(
  transport: ClickHouseTransport,
  tables: readonly AnyRecordTable[] = RECORD_TABLES,
): Promise<string[]> {
  const changed: string[] = [];
  for (const table of tables) {
    const versions = await columnNames(transport, `${table.name}_versions`);
    const declared = columnsOf(table);
    if (versions.size === 0) await transport.command(versionsTableDdl(table));
    const missing = versions.size === 0 ? [] : declared.filter(([name]) => !versions.has(name));
    for (const [name, spec] of missing) await addColumn(transport, table, name, spec);
    const view = await columnNames(transport, table.name);
    const viewMatches = view.size === declared.length && declared.every(([name]) => view.has(name));
    if (view.size > 0 && !viewMatches) await transport.command(`DROP TABLE IF EXISTS ${table.name}`);
    if (!viewMatches) await transport.command(recordViewDdl(table));
    if (missing.length > 0 || (view.size > 0 && !viewMatches)) changed.push(table.name);
  }
  return changed;
}

/**
 * One ALTER per column: 18.16 has no ADD COLUMN IF NOT EXISTS, so a column another node added in
 * the meantime is found by looking again when the ALTER fails.
 */
async function addColumn(
  transport: ClickHouseTransport,
  table: AnyRecordTable,
  name: string,
  spec: ColumnSpec,
): Promise<void> {
  const versions = `${table.name}_versions`;
  try {
    await transport.command(
      `ALTER TABLE ${versions} ADD COLUMN ${name} ${columnType(spec)}${zeroDefault(spec)}`,
    );
  } catch (error) {
    if (!(await columnNames(transport, versions)).has(name)) throw error;
  }
}

async function columnNames(
  transport: ClickHouseTransport,
  table: string,
  database?: string,
): Promise<Set<string>> {
  const db = database === undefined ? 'currentDatabase()' : literal(database);
  const result = await transport.query(
    `SELECT name FROM system.columns WHERE database = ${db} AND table = ${literal(table)}`,
  );
  return new Set(result.data.map((row) => String(row['name'])));
}
