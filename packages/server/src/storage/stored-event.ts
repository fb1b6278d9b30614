import type { StoredEvent } from './engine.js';

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
] as const;

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
  };
}
