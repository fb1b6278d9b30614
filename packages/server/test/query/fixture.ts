import type { EventRow } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';

/** Minute-aligned, so minute buckets start at T. */
export const T = 1_700_000_040_000;
export const NOW = T + 10 * 60_000;
export const PROJECT = 'p-fixture';

let n = 0;
const ev = (
  session: string,
  user: string,
  event: string,
  at: number,
  path: string,
  properties: object = {},
) =>
  makeRow({
    project_id: PROJECT,
    uuid: `fixture-${n++}`,
    event,
    session_id: session,
    distinct_id: user,
    timestamp: T + at,
    path,
    url: `https://app.test${path}`,
    properties: JSON.stringify(properties),
  });

/**
 * Five sessions (docs/SEMANTICS.md worked example): s1 completes the upload funnel, s2 stops at
 * upload_started after a slow page and an error, s3 only browses and rage-clicks, s4 (same user as s1)
 * stops at file_selected, s5 comes from posthog-js (web vitals, an exception).
 */
export const FIXTURE_ROWS: EventRow[] = [
  ev('s1', 'u1', 'page_view', 0, '/home'),
  ev('s1', 'u1', 'file_selected', 1000, '/home'),
  ev('s1', 'u1', 'upload_started', 2000, '/home'),
  ev('s1', 'u1', 'upload_progress', 3000, '/home', { percent: 10 }),
  ev('s1', 'u1', 'upload_complete', 5000, '/home'),
  ev('s1', 'u1', 'analysis_complete', 9000, '/home'),
  ev('s2', 'u2', 'page_view', 0, '/home'),
  ev('s2', 'u2', 'page_performance', 100, '/home', {
    page_load_time: 5000,
    dom_ready_time: 2000,
    time_to_interactive: 2500,
    lcp: 3000,
    cls: 0.2,
  }),
  ev('s2', 'u2', 'file_selected', 3000, '/home'),
  ev('s2', 'u2', 'upload_started', 4000, '/home'),
  ev('s2', 'u2', 'error', 4500, '/home', { message: 'boom' }),
  ev('s3', 'u3', 'page_view', 1000, '/pricing'),
  ev('s3', 'u3', 'page_view', 2000, '/home'),
  ev('s3', 'u3', 'rage_click', 2500, '/home'),
  ev('s3', 'u3', 'rage_click', 2600, '/home', { x: 10 }),
  ev('s4', 'u1', 'page_view', 60_000, '/home'),
  ev('s4', 'u1', 'page_performance', 60_500, '/home', {
    page_load_time: 1000,
    dom_ready_time: 500,
    time_to_interactive: 700,
    lcp: 2000,
    fcp: 800,
    ttfb: 100,
  }),
  ev('s4', 'u1', 'file_selected', 61_000, '/home'),
  ev('s4', 'u1', 'web_vitals', 62_000, '/home', { lcp: 3500, inp: 200, cls: 0.1, fcp: 800, ttfb: 100 }),
  ev('s5', 'u4', '$web_vitals', 70_000, '/pricing', {
    $web_vitals_LCP_value: 1800,
    $web_vitals_CLS_value: 0.05,
    $web_vitals_INP_value: 120,
    $web_vitals_FCP_value: 900,
  }),
  ev('s5', 'u4', '$exception', 71_000, '/pricing'),
  // Outside the last hour:
  ev('s1', 'u1', 'page_view', -2 * 3_600_000, '/home'),
  // Another project's events are never counted:
  makeRow({ project_id: 'p-other', uuid: 'other-1', event: 'page_view', session_id: 's1', timestamp: T }),
  makeRow({ project_id: 'p-other', uuid: 'other-2', event: 'error', session_id: 's9', timestamp: T }),
];
