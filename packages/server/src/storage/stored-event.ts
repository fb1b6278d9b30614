import type { EventRow, StoredEvent } from './engine.js';
import { type ColumnSpec, string } from './records/columns.js';

/** Columns of `events` (docs/ARCHITECTURE.md, Storage) as every engine stores them, in insert order. */
export const EVENT_COLUMNS = [
  'project_id',
  'uuid',
  'seq',
  'event',
  'distinct_id',
  'session_id',
  'timestamp',
  'received_at',
  'url',
  'path',
  'referrer',
  'browser',
  'os',
  'device',
  'properties',
  'country',
] as const;

/**
 * Columns `events` gained after tables of it existed, in the order they were added. Each engine's
 * DDL puts them after its first columns in this order (duckdb/ddl.ts, clickhouse/ddl.ts) and, at
 * open, adds those an older table lacks (`ALTER TABLE … ADD COLUMN`, a metadata change; rows
 * stored before read the kind's zero: '' for text). Appending keeps new and migrated tables in one
 * column order, which DuckDB's appender writes in.
 */
export const ADDED_EVENT_COLUMNS: ReadonlyArray<{ name: string; spec: ColumnSpec }> = [
  /** ISO 3166-1 alpha-2 of the client's address ('' unknown): ingest/geo/. */
  { name: 'country', spec: string },
];

/** A row read back from any engine (64-bit numbers may arrive as bigint or text) as a StoredEvent. */
export function toStoredEvent(row: Readonly<Record<string, unknown>>): StoredEvent {
  return {
    project_id: row['project_id'] as string,
    uuid: row['uuid'] as string,
    seq: Number(row['seq']),
    event: row['event'] as string,
    distinct_id: row['distinct_id'] as string,
    session_id: row['session_id'] as string,
    timestamp: Number(row['timestamp']),
    received_at: Number(row['received_at']),
    url: row['url'] as string,
    path: row['path'] as string,
    referrer: row['referrer'] as string,
    browser: row['browser'] as string,
    os: row['os'] as string,
    device: row['device'] as string,
    properties: row['properties'] as string,
    country: (row['country'] as string | null) ?? '',
  };
}

/**
 * A row parsed from an event log record, completed in place as the event numbered `seq` (records
 * written before `country` existed have none). In place: each parsed record is a fresh object, and
 * a copy per event is what this saves.
 */
export function asStoredEvent(row: EventRow, seq: number): StoredEvent {
  const event = row as EventRow & Partial<StoredEvent>;
  event.country ??= '';
  event.seq = seq;
  return event as StoredEvent;
}
