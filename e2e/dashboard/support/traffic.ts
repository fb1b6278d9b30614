import { randomUUID } from 'node:crypto';
import type { SightlineProcess } from '../../support/sightline.js';

/** A native event as `POST /v1/events` takes it (docs/API.md). */
export interface NativeEvent {
  uuid: string;
  event: string;
  distinct_id: string;
  session_id: string;
  timestamp: number;
  properties?: Record<string, unknown>;
}

const ORIGIN = 'https://demo.example';
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Sends events through the capture route, as the SDK does; resolves once they are committed. */
export async function sendEvents(sightline: SightlineProcess, batch: NativeEvent[]): Promise<void> {
  const res = await fetch(`${sightline.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: sightline.publicKey, batch, sent_at: Date.now() }),
  });
  const body = (await res.json()) as { accepted?: number; rejected?: unknown[] };
  if (res.status !== 200 || body.rejected?.length)
    throw new Error(`capture answered ${res.status}: ${JSON.stringify(body)}`);
}

/** Builds one session's events at increasing timestamps from `start`. */
export class SessionBuilder {
  readonly events: NativeEvent[] = [];
  private t: number;
  constructor(
    readonly sessionId: string,
    readonly distinctId: string,
    start: number,
  ) {
    this.t = start;
  }

  add(event: string, properties: Record<string, unknown> = {}, afterMs = 400): this {
    this.t += afterMs;
    this.events.push({
      uuid: randomUUID(),
      event,
      distinct_id: this.distinctId,
      session_id: this.sessionId,
      timestamp: this.t,
      properties: { url: `${ORIGIN}/upload`, path: '/upload', user_agent: UA, ...properties },
    });
    return this;
  }

  pageView(path: string, loadMs: number): this {
    this.add('page_view', { url: `${ORIGIN}${path}`, path, title: 'Video upload' }, 200);
    return this.add(
      'page_performance',
      {
        url: `${ORIGIN}${path}`,
        path,
        page_load_time: loadMs,
        dom_ready_time: Math.round(loadMs * 0.6),
        time_to_interactive: Math.round(loadMs * 0.8),
        lcp: Math.round(loadMs * 0.9),
        fcp: Math.round(loadMs * 0.4),
        ttfb: Math.round(loadMs * 0.1),
        cls: 0.02,
        inp: 120,
      },
      150,
    );
  }

  /** ≥ 3 clicks within 30 px and 1 s: the processor's rage-click detector fires. */
  rageClicks(x = 420, y = 310): this {
    for (let i = 0; i < 4; i++) this.add('user_click', { tag: 'button', id: 'upload', x: x + i, y }, 150);
    return this;
  }
}

export interface SessionPlan {
  /** How far down the demo funnel the session gets (0 = page view only, 6 = analysis complete). */
  reach: number;
  error?: boolean;
  rage?: boolean;
  loadMs?: number;
}

const STEPS = ['file_selected', 'upload_started', 'upload_complete', 'analysis_started', 'analysis_complete'];

/** A session of the demo app (page_view → … → analysis_complete) with the video_upload journey. */
export function demoSession(id: string, start: number, plan: SessionPlan): NativeEvent[] {
  const s = new SessionBuilder(`sess-${id}`, `user-${id}`, start);
  s.pageView('/upload', plan.loadMs ?? 1200);
  s.add('journey_started', { journey_name: 'video_upload', initial_step: 'select_file' });
  if (plan.rage) s.rageClicks();
  for (let i = 0; i < STEPS.length && i < plan.reach; i++) {
    const step = STEPS[i]!;
    s.add(step, step.startsWith('upload') ? { file_size: 12_582_912, file_type: 'video/mp4' } : {}, 900);
    if (step === 'upload_started')
      for (const progress of [10, 50, 90]) s.add('upload_progress', { progress }, 700);
    if (step === 'file_selected') s.add('journey_step', { journey_name: 'video_upload', step: 'upload' });
    if (step === 'upload_complete') s.add('journey_step', { journey_name: 'video_upload', step: 'analyze' });
  }
  if (plan.error) s.add('error', { message: 'Upload failed: network error', source: 'upload.ts' });
  if (plan.reach >= STEPS.length) s.add('journey_completed', { journey_name: 'video_upload' });
  else s.add('journey_abandoned', { journey_name: 'video_upload', abandon_reason: 'page_exit' });
  s.pageView('/results', 900);
  return s.events;
}

/** A mixed day of traffic: converting, abandoning, erroring and raging sessions, spread over `spanMs`. */
export function simulatedTraffic(now: number, sessions = 24, spanMs = 40 * 60_000): NativeEvent[] {
  const events: NativeEvent[] = [];
  for (let i = 0; i < sessions; i++) {
    const start = now - spanMs + Math.round((i / sessions) * spanMs);
    events.push(
      ...demoSession(`sim${i}`, start, {
        reach: [6, 6, 5, 3, 1, 6, 2, 6, 4, 0][i % 10]!,
        error: i % 7 === 3,
        rage: i % 5 === 2,
        loadMs: 800 + ((i * 537) % 4200),
      }),
    );
  }
  return events;
}

/**
 * `sessions` sessions that each go through the same `length` steps (`chain_01` → `chain_02` → …)
 * and nothing else: in the user flow they make one path of `length` columns, whose transitions
 * outrank the demo's when `sessions` is large.
 */
export function chainSessions(length: number, sessions: number, now = Date.now()): NativeEvent[] {
  const events: NativeEvent[] = [];
  const run = randomUUID().slice(0, 8);
  for (let i = 0; i < sessions; i++) {
    const s = new SessionBuilder(`chain-${run}-${i}`, `chain-user-${run}-${i}`, now - 60_000);
    for (let step = 1; step <= length; step++) s.add(`chain_${String(step).padStart(2, '0')}`, {}, 100);
    events.push(...s.events);
  }
  return events;
}
