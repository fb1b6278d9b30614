import { detectDeadClick } from '../friction/dead-click.js';
import { detectError } from '../friction/error-encountered.js';
import type { ClickSample, Detection } from '../friction/factor.js';
import { detectLongGap, longGapDeadline } from '../friction/potential-abandonment.js';
import { detectRageClick, RAGE_CLICK_EVENTS } from '../friction/rage-click.js';
import { detectRapidClicking, RAPID_CLICKING_SPAN_MS } from '../friction/rapid-clicking.js';
import { detectSlowPage } from '../friction/slow-page.js';
import {
  detectUploadStall,
  UPLOAD_END_EVENTS,
  UPLOAD_PROGRESS_EVENT,
  UPLOAD_START_EVENT,
  uploadStallDeadline,
} from '../friction/upload-stall.js';
import type { ProcessingContext, ProcessorEvent } from './context.js';
import { recordRisk } from './insights.js';
import { applyJourneyEvent, JOURNEY_TIMEOUT_MS, timeOutJourneys } from './journeys.js';
import { forgetOldClicks, hasActiveJourney, rememberClick, type SessionState } from './session-state.js';

/** A session idle this long (event time) is finished: its state leaves memory. */
export const SESSION_IDLE_MS = JOURNEY_TIMEOUT_MS;
/** An event received within this long of its timestamp is live traffic (see SessionState.live). */
export const LIVE_ARRIVAL_MS = 60_000;
/** Click events: the SDK's, posthog-js autocapture clicks, and plain `click`. */
const CLICK_EVENTS = new Set(['user_click', 'click', '$click']);

function clickOf(e: ProcessorEvent): ClickSample | null {
  const p = e.properties;
  const isClick = CLICK_EVENTS.has(e.event) || (e.event === '$autocapture' && p['$event_type'] === 'click');
  if (!isClick) return null;
  const x = p['click_x'] ?? p['x'];
  const y = p['click_y'] ?? p['y'];
  const click: ClickSample = { uuid: e.uuid, event: e.event, timestamp: e.timestamp };
  if (typeof x === 'number' && typeof y === 'number') Object.assign(click, { x, y });
  return click;
}

const gapState = (s: SessionState) => ({
  lastEventAt: s.last_event_at,
  lastEventUuid: s.last_event_uuid,
  journeyActive: hasActiveJourney(s),
  reportedFor: s.gap_reported_for,
});

/** The earliest moment at which something happens to this idle session (a detection, a timeout, eviction). */
export function nextDeadline(s: SessionState): number {
  return Math.min(
    longGapDeadline(gapState(s)) ?? Number.POSITIVE_INFINITY,
    uploadStallDeadline(s.upload) ?? Number.POSITIVE_INFINITY,
    s.last_event_at + SESSION_IDLE_MS,
  );
}

/**
 * Fires what the passing of time alone causes, as of `now` (the next event's time or the clock).
 * Every output is stamped with its deadline, not with `now`, so an event and the clock produce
 * the same records. Returns true when the session is idle past SESSION_IDLE_MS.
 */
export function fireDeadlines(ctx: ProcessingContext, s: SessionState, now: number): boolean {
  if (s.last_event_uuid === '') return false;
  const found: Detection[] = [];
  const gap = detectLongGap(gapState(s), now);
  if (gap) {
    s.gap_reported_for = s.last_event_at;
    found.push(gap);
  }
  const stall = detectUploadStall(s.upload, now);
  if (stall) {
    s.upload!.stalled = true;
    found.push(stall);
  }
  for (const d of found.sort((a, b) => a.at - b.at || a.factor.localeCompare(b.factor)))
    recordRisk(ctx, s, [d]);
  if (now > s.last_event_at + JOURNEY_TIMEOUT_MS && hasActiveJourney(s)) timeOutJourneys(ctx, s);
  if (found.length > 0 || now > s.last_event_at + SESSION_IDLE_MS) ctx.out.touch(s);
  return now > s.last_event_at + SESSION_IDLE_MS;
}

/** Applies one event to its session: journeys, upload tracking, feedback, then the detectors. */
export function handleEvent(ctx: ProcessingContext, s: SessionState, e: ProcessorEvent): void {
  if (e.timestamp > s.last_event_at) fireDeadlines(ctx, s, e.timestamp);
  s.distinct_id = e.distinct_id;
  if (s.last_event_uuid === '' || e.timestamp >= s.last_event_at) {
    s.last_event_at = e.timestamp;
    s.last_event_uuid = e.uuid;
    s.live = e.received_at - e.timestamp <= LIVE_ARRIVAL_MS;
    if (e.path) s.page_path = e.path;
  }
  ctx.out.touch(s);
  forgetOldClicks(s, RAPID_CLICKING_SPAN_MS);
  applyJourneyEvent(ctx, s, e);
  trackUpload(s, e);
  recordFeedback(ctx, e);

  const found: Detection[] = [];
  const click = clickOf(e);
  if (click) rememberClick(s, click);
  // Rage first: a burst that is a rage click is not also rapid clicking (friction/rapid-clicking.ts).
  if (click || RAGE_CLICK_EVENTS.includes(e.event)) {
    const rage = detectRageClick(e, s.recent_clicks);
    if (rage) {
      s.rage_click_at = Math.max(s.rage_click_at ?? rage.at, rage.at);
      found.push(rage);
    }
  }
  if (click) {
    const rapid = detectRapidClicking(s.recent_clicks, s.rage_click_at ?? null);
    if (rapid) found.push(rapid);
  }
  for (const d of [detectDeadClick(e), detectError(e), detectSlowPage(e, e.properties)]) if (d) found.push(d);
  if (found.length > 0) recordRisk(ctx, s, found);
}

function trackUpload(s: SessionState, e: ProcessorEvent): void {
  if (e.event === UPLOAD_START_EVENT) {
    s.upload = { startedUuid: e.uuid, lastActivityAt: e.timestamp, lastActivityUuid: e.uuid, stalled: false };
  } else if (e.event === UPLOAD_PROGRESS_EVENT && s.upload && e.timestamp >= s.upload.lastActivityAt) {
    s.upload = { ...s.upload, lastActivityAt: e.timestamp, lastActivityUuid: e.uuid, stalled: false };
  } else if (UPLOAD_END_EVENTS.includes(e.event)) {
    s.upload = null;
  }
}

function recordFeedback(ctx: ProcessingContext, e: ProcessorEvent): void {
  if (e.event !== '$intervention_shown' && e.event !== '$intervention_result') return;
  const id = e.properties['intervention_id'];
  if (typeof id !== 'string' || id === '') return;
  if (e.event === '$intervention_shown') {
    ctx.out.feedback.push({ project_id: e.project_id, intervention_id: id, shown_at: e.timestamp });
  } else {
    const result = e.properties['result'];
    ctx.out.feedback.push({
      project_id: e.project_id,
      intervention_id: id,
      result: typeof result === 'string' ? result : 'unknown',
      result_at: e.timestamp,
    });
  }
}
