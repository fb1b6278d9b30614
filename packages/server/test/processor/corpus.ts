import { RISK_FACTORS, type RiskFactor } from '../../src/friction/catalogue.js';
import { createRng } from '../../src/simulate/prng.js';
import type { EventRow } from '../../src/storage/engine.js';

export interface LabelledSession {
  sessionId: string;
  /** The friction injected (empty for a clean session). */
  labels: RiskFactor[];
}

/** Every factor of the catalogue can be injected (in catalogue order). */
export const INJECTABLE: readonly RiskFactor[] = RISK_FACTORS;

/**
 * Simulated sessions of the demo app's video upload: page view, performance, a
 * video_upload journey with clicks and an upload, completed. A friction session has one kind of
 * trouble injected at a random point; clean sessions stay within every detector's limits
 * (clicks ≥ 1.2 s apart, pauses < 25 s, loads < 3.5 s, progress every ≤ 6 s).
 */
export function generateCorpus(seed: number, sessions: number, projectId = 'p1') {
  const rand = createRng(seed).next;
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const rows: EventRow[] = [];
  const labelled: LabelledSession[] = [];
  let uuid = 0;
  const base = 1_700_000_000_000;
  for (let n = 0; n < sessions; n++) {
    const sessionId = `sim-${seed}-${n}`;
    const injected = n % 3 === 0 ? null : INJECTABLE[Math.floor(rand() * INJECTABLE.length)]!;
    labelled.push({ sessionId, labels: injected ? [injected] : [] });
    let t = base + n * 7_000 + between(0, 5000);
    let received = 0;
    const emit = (event: string, properties: Record<string, unknown> = {}) => {
      // A session's events reach the server in the order they happened (the SDK's queue keeps it).
      received = Math.max(received + 1, t + between(20, 400));
      rows.push({
        project_id: projectId,
        uuid: `sim-${seed}-${++uuid}`,
        event,
        distinct_id: `user-${n}`,
        session_id: sessionId,
        timestamp: t,
        received_at: received,
        url: '',
        path: '',
        referrer: '',
        browser: '',
        os: '',
        device: '',
        properties: JSON.stringify(properties),
      });
    };
    const wait = (lo: number, hi: number) => {
      t += between(lo, hi);
    };
    const calmClicks = (count: number) => {
      for (let i = 0; i < count; i++) {
        wait(1200, 6000);
        const x = between(0, 1200);
        const y = between(0, 800);
        emit('user_click', { click_x: x, click_y: y, element_tag: 'button' });
        // Near misses: a double click is neither a rage click nor rapid clicking.
        if (rand() < 0.25) {
          wait(120, 300);
          emit('user_click', { click_x: x + between(-3, 3), click_y: y, element_tag: 'button' });
        }
      }
    };
    const journey = 'video_upload';
    emit('page_view');
    wait(5, 50);
    emit('page_performance', {
      page_load_time: injected === 'slow_page' ? between(4500, 12_000) : between(300, 3500),
    });
    wait(5, 50);
    emit('web_vitals', { LCP: between(500, 2500) });
    // A pause during the upload would also be a stalled upload: abandonment happens around it.
    const stage = between(0, 2);
    const trouble = injected === 'potential_abandonment' && stage === 1 ? 2 : stage;
    calmClicks(between(1, 3));
    const inject = (stage: number) => {
      if (injected === null || stage !== trouble) return;
      if (injected === 'rapid_clicking') {
        for (let i = 0; i < between(5, 8); i++) {
          wait(150, 450);
          emit('user_click', { click_x: 80 * (i % 2 === 0 ? i : -i) + 600, click_y: 400 });
        }
      } else if (injected === 'rage_click') {
        const x = between(100, 1000);
        const y = between(100, 700);
        // Three clicks on one spot: a fourth (or a double click just before) would be rapid clicking too.
        wait(1500, 3000);
        for (let i = 0; i < 3; i++) {
          if (i > 0) wait(100, 400);
          emit('user_click', { click_x: x + between(-8, 8), click_y: y + between(-8, 8) });
        }
      } else if (injected === 'dead_click') {
        wait(1500, 3000);
        emit('user_click', { click_x: 500, click_y: 500 });
        wait(1000, 1100);
        emit('dead_click', { selector: '#nothing' });
      } else if (injected === 'potential_abandonment') {
        wait(35_000, 120_000);
      } else if (injected === 'error_encountered') {
        wait(500, 3000);
        emit('error', { message: 'TypeError: cannot read properties of undefined' });
      }
    };
    wait(1000, 4000);
    emit('journey_started', { journey_name: journey, initial_step: 'file_selected' });
    inject(0);
    calmClicks(between(0, 2));
    wait(1000, 3000);
    emit('journey_step', { journey_name: journey, step: 'upload_started' });
    emit('upload_started', { file_size: between(1, 50) * 1_000_000 });
    inject(1);
    for (let p = 10; p <= 100; p += 10) {
      wait(800, 6000);
      // Long enough to stall (> 10 s), short enough not to be a long gap (≤ 30 s) as well.
      if (injected === 'upload_stall' && p === 50) wait(12_000, 23_000);
      emit('upload_progress', { progress_percent: p });
    }
    emit('upload_complete', {});
    emit('journey_step', { journey_name: journey, step: 'upload_complete' });
    inject(2);
    wait(2000, 8000);
    emit('journey_step', { journey_name: journey, step: 'analysis_complete' });
    emit('journey_completed', { journey_name: journey });
    calmClicks(between(0, 2));
  }
  // Arrival order: by the time each event reached the server.
  rows.sort((a, b) => a.received_at - b.received_at);
  return { rows, labelled };
}
