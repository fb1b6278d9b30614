import type { EventRow } from '../engine.js';

/**
 * Rows travel from the HTTP thread to the database worker column by column:
 * a few large arrays clone far faster than thousands of small objects.
 */
export interface EventColumns {
  length: number;
  project_id: string[];
  uuid: string[];
  event: string[];
  distinct_id: string[];
  session_id: string[];
  timestamp: Float64Array;
  received_at: Float64Array;
  url: string[];
  path: string[];
  referrer: string[];
  browser: string[];
  os: string[];
  device: string[];
  properties: string[];
  country: string[];
}

export function toColumns(rows: readonly EventRow[]): EventColumns {
  const n = rows.length;
  const cols: EventColumns = {
    length: n,
    project_id: new Array(n),
    uuid: new Array(n),
    event: new Array(n),
    distinct_id: new Array(n),
    session_id: new Array(n),
    timestamp: new Float64Array(n),
    received_at: new Float64Array(n),
    url: new Array(n),
    path: new Array(n),
    referrer: new Array(n),
    browser: new Array(n),
    os: new Array(n),
    device: new Array(n),
    properties: new Array(n),
    country: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    cols.project_id[i] = r.project_id;
    cols.uuid[i] = r.uuid;
    cols.event[i] = r.event;
    cols.distinct_id[i] = r.distinct_id;
    cols.session_id[i] = r.session_id;
    cols.timestamp[i] = r.timestamp;
    cols.received_at[i] = r.received_at;
    cols.url[i] = r.url;
    cols.path[i] = r.path;
    cols.referrer[i] = r.referrer;
    cols.browser[i] = r.browser;
    cols.os[i] = r.os;
    cols.device[i] = r.device;
    cols.properties[i] = r.properties;
    cols.country[i] = r.country ?? '';
  }
  return cols;
}
