import type { EventRow } from '../storage/engine.js';
import { fingerprint } from '../storage/event-dedupe.js';

/**
 * An event as the event log holds it: one JSON object per record, the normalised row with its
 * (project, uuid) fingerprint first — `{"fp_hi":…,"fp_lo":…,"project_id":…,…}`. Capture computes
 * the fingerprint for its duplicate check anyway, and with it in the record the loader hands
 * records to the database's own JSON reader as they are (storage/duckdb/ndjson-batch.ts), never
 * parsing them in JavaScript. The processor and the dedupe rebuild parse records with
 * `parseEventRecord` (the extra fields are ignored).
 */
export interface EventRecord extends EventRow {
  fp_hi: number;
  fp_lo: number;
}

/** Every record capture writes starts with these bytes (a record of an older log may not). */
export const FINGERPRINT_FIRST = Buffer.from('{"fp_hi":');

/** The record of `row`, whose fingerprint capture computed (storage/event-dedupe.ts `fingerprint`). */
export function encodeEventRecord(row: EventRow, hi: number, lo: number): string {
  // JSON.stringify of a row is `{"project_id":…}`: never empty, so the fields follow a comma.
  return `{"fp_hi":${hi},"fp_lo":${lo},${JSON.stringify(row).slice(1)}`;
}

/** A record's row (and its fingerprint, when the record carries one). */
export function parseEventRecord(data: Buffer): EventRow & Partial<EventRecord> {
  return JSON.parse(data.toString('utf8')) as EventRow & Partial<EventRecord>;
}

/**
 * A record in the current form: as it is when it leads with its fingerprint, or else (written
 * before records carried one) parsed, fingerprinted and encoded again.
 */
export function fingerprinted(data: Buffer): Buffer {
  if (data.subarray(0, FINGERPRINT_FIRST.length).equals(FINGERPRINT_FIRST)) return data;
  const { fp_hi: _hi, fp_lo: _lo, ...row } = parseEventRecord(data);
  const [hi, lo] = fingerprint(row.project_id, row.uuid);
  return Buffer.from(encodeEventRecord(row, hi, lo));
}
