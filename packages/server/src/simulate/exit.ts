import type { SimEvent } from './timeline.js';

/**
 * What the SDK sends when a visitor closes the tab at `atMs` in the middle of a session: each
 * journey still active is abandoned with reason `page_exit`, and an upload in flight is reported
 * aborted (so the processor does not wait for its progress). The sender uses it to end sessions
 * cleanly when a run's duration is over, instead of leaving them dangling (which would read as
 * long gaps and stalled uploads: friction that never happened).
 */
export function exitEvents(sent: readonly SimEvent[], atMs: number, uuid: (t: number) => string): SimEvent[] {
  const last = sent[sent.length - 1];
  if (!last) return [];
  const journeys = new Map<string, { startedAt: number; steps: string[] }>();
  let uploading: SimEvent | null = null;
  for (const e of sent) {
    const name = e.properties['journey_name'];
    if (e.event === 'journey_started' && typeof name === 'string')
      journeys.set(name, { startedAt: e.timestamp, steps: [String(e.properties['initial_step'])] });
    else if (e.event === 'journey_step' && typeof name === 'string')
      journeys.get(name)?.steps.push(String(e.properties['step']));
    else if ((e.event === 'journey_completed' || e.event === 'journey_abandoned') && typeof name === 'string')
      journeys.delete(name);
    else if (e.event === 'upload_started') uploading = e;
    else if (e.event === 'upload_complete' || e.event === 'upload_failed') uploading = null;
  }
  const t = Math.max(atMs, last.timestamp);
  const base = { distinct_id: last.distinct_id, session_id: last.session_id, timestamp: t };
  const context = pageContext(last);
  const out: SimEvent[] = [];
  if (uploading) {
    out.push({
      ...base,
      uuid: uuid(t),
      event: 'upload_failed',
      properties: {
        ...context,
        error: 'aborted',
        status: 0,
        upload_duration: t - uploading.timestamp,
        upload_id: uploading.properties['upload_id'],
      },
    });
  }
  for (const [name, j] of journeys) {
    out.push({
      ...base,
      uuid: uuid(t),
      event: 'journey_abandoned',
      properties: {
        ...context,
        journey_name: name,
        abandon_step: j.steps[j.steps.length - 1],
        abandon_reason: 'page_exit',
        total_duration: t - j.startedAt,
        steps_completed: j.steps.length,
        journey_path: j.steps.join(' -> '),
      },
    });
  }
  return out;
}

const CONTEXT_KEYS = new Set(['url', 'path', 'referrer', 'screen_width', 'screen_height', 'user_agent']);

/** The page context the SDK adds to every event (url, screen, user agent, $lib…), taken from one event. */
export function pageContext(e: SimEvent): Record<string, unknown> {
  const context: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(e.properties))
    if (CONTEXT_KEYS.has(key) || key.startsWith('$')) context[key] = value;
  return context;
}
