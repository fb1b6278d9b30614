import { randomUUID } from 'node:crypto';
import type { EventRow } from '../../src/storage/engine.js';

/** A stored-row fixture with sensible defaults. */
export function makeRow(overrides: Partial<EventRow> = {}): EventRow {
  return {
    project_id: 'p1',
    uuid: randomUUID(),
    event: 'page_view',
    distinct_id: 'user-1',
    session_id: 'session-1',
    timestamp: 1_700_000_000_000,
    received_at: 1_700_000_000_100,
    url: 'https://app.test/home',
    path: '/home',
    referrer: '',
    browser: 'Chrome',
    os: 'Linux',
    device: 'desktop',
    properties: '{"a":1}',
    country: 'DE',
    ...overrides,
  };
}
