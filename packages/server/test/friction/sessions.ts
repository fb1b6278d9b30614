import { RAGE_CLICK_MAX_DISTANCE_PX, RAGE_CLICK_MAX_INTERVAL_MS } from '@sightline/schema';
import { RAPID_CLICKING_MAX_GAP_MS } from '../../src/friction/rapid-clicking.js';
import { SLOW_PAGE_LOAD_MS } from '../../src/friction/slow-page.js';
import { UPLOAD_STALL_MS } from '../../src/friction/upload-stall.js';
import { createRng, generateSession } from '../../src/simulate/index.js';
import type { EventRow } from '../../src/storage/engine.js';

export const PROJECT = 'p1';
export const T0 = 1_700_000_000_000;

const row = (
  sessionId: string,
  uuid: string,
  event: string,
  timestamp: number,
  properties = {},
): EventRow => ({
  project_id: PROJECT,
  uuid,
  event,
  distinct_id: `u-${sessionId}`,
  session_id: sessionId,
  timestamp,
  received_at: timestamp + 50,
  url: '',
  path: '',
  referrer: '',
  browser: '',
  os: '',
  device: '',
  properties: JSON.stringify(properties),
});

/** Simulated demo-app sessions with plenty of every kind of friction the simulator injects. */
export function simulatedRows(count: number, seed: number): EventRow[] {
  const rows: EventRow[] = [];
  for (let i = 0; i < count; i++) {
    const session = generateSession(createRng(seed + i), T0 + i * 20_000, {
      friction: { rageClicks: 0.3, errors: 0.3, stalls: 0.3, abandon: 0.4 },
    });
    for (const e of session.events) rows.push(row(e.session_id, e.uuid, e.event, e.timestamp, e.properties));
  }
  return rows;
}

/**
 * Hand-made sessions on each side of every threshold (one unit over and at the limit). Each goes
 * through the default funnel as far as `reach` steps, so they drop at different steps.
 */
export function edgeRows(): EventRow[] {
  const rows: EventRow[] = [];
  let n = 0;
  const session = (name: string, start: number, reach: number, friction: (s: string, t: number) => void) => {
    const id = `edge-${name}`;
    const funnel = ['page_view', 'file_selected', 'upload_started', 'upload_complete', 'analysis_complete'];
    funnel.slice(0, reach).forEach((step, k) => {
      rows.push(row(id, `${id}-${++n}`, step, start + k * 40_000));
    });
    friction(id, start + 1000);
  };
  const click = (id: string, t: number, x: number) =>
    rows.push(row(id, `${id}-${++n}`, 'user_click', t, { click_x: x, click_y: 100 }));
  let start = T0 + 10 * 3_600_000;
  const next = () => {
    start += 600_000;
    return start;
  };
  // Rage: 3 clicks, each within the distance and interval limits; one just over each limit.
  session('rage-yes', next(), 2, (id, t) => {
    for (let i = 0; i < 3; i++) click(id, t + i * RAGE_CLICK_MAX_INTERVAL_MS, i * RAGE_CLICK_MAX_DISTANCE_PX);
  });
  session('rage-far', next(), 2, (id, t) => {
    for (let i = 0; i < 3; i++) click(id, t + i * 500, i * (RAGE_CLICK_MAX_DISTANCE_PX + 1));
  });
  session('rage-slow', next(), 3, (id, t) => {
    for (let i = 0; i < 3; i++) click(id, t + i * (RAGE_CLICK_MAX_INTERVAL_MS + 1), 0);
  });
  // Rapid: 5 quick clicks far apart (4 quick gaps) is rapid clicking; at the gap limit it is not.
  session('rapid-yes', next(), 3, (id, t) => {
    for (let i = 0; i < 5; i++) click(id, t + i * (RAPID_CLICKING_MAX_GAP_MS - 1), i * 200);
  });
  session('rapid-no', next(), 4, (id, t) => {
    for (let i = 0; i < 5; i++) click(id, t + i * RAPID_CLICKING_MAX_GAP_MS, i * 200);
  });
  // Slow page: over the limit, and at it.
  session('slow-yes', next(), 1, (id, t) => {
    rows.push(row(id, `${id}-${++n}`, 'page_performance', t, { page_load_time: SLOW_PAGE_LOAD_MS + 1 }));
  });
  session('slow-no', next(), 1, (id, t) => {
    rows.push(row(id, `${id}-${++n}`, 'page_performance', t, { page_load_time: SLOW_PAGE_LOAD_MS }));
  });
  // Errors by exact name; an app event whose name contains "error" is not one.
  session('error-yes', next(), 2, (id, t) => rows.push(row(id, `${id}-${++n}`, '$exception', t)));
  session('error-named', next(), 2, (id, t) => rows.push(row(id, `${id}-${++n}`, 'upload_error_shown', t)));
  session('dead-yes', next(), 4, (id, t) => rows.push(row(id, `${id}-${++n}`, 'dead_click', t)));
  // Upload stall: the next event 1 ms past 10 s of silence, and exactly at 10 s.
  for (const [name, gap] of [
    ['stall-yes', UPLOAD_STALL_MS + 1],
    ['stall-no', UPLOAD_STALL_MS],
  ] as const) {
    session(name, next(), 3, (id, t) => {
      rows.push(row(id, `${id}-${++n}`, 'upload_started', t));
      rows.push(row(id, `${id}-${++n}`, 'upload_progress', t + gap, { percent: 50 }));
      rows.push(row(id, `${id}-${++n}`, 'upload_failed', t + gap + 1));
    });
  }
  return rows.sort((a, b) => a.timestamp - b.timestamp);
}
