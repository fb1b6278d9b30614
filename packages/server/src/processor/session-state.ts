import type { RiskFactor } from '../friction/catalogue.js';
import type { ClickSample } from '../friction/factor.js';
import type { UploadState } from '../friction/upload-stall.js';
import type { JourneyStepRecord } from '../storage/processor-records.js';

/** Clicks kept per session: the rapid-clicking window. */
export const MAX_RECENT_CLICKS = 10;
/** Steps kept per journey; later steps still count, they are just not listed. */
export const MAX_JOURNEY_STEPS = 200;

export interface ActiveJourney {
  id: string;
  journey_name: string;
  started_at: number;
  start_uuid: string;
  steps: JourneyStepRecord[];
  /** Steps beyond MAX_JOURNEY_STEPS, counted but not kept. */
  dropped_steps: number;
}

/** Everything the processor remembers about one session; stored as JSON with each checkpoint. */
export interface SessionState {
  project_id: string;
  session_id: string;
  distinct_id: string;
  /** 0 and last_event_uuid "" until the first event. */
  last_event_at: number;
  last_event_uuid: string;
  /**
   * The latest event arrived soon after it happened (live traffic, not an import of old events):
   * only such sessions are closed by the wall clock.
   */
  live: boolean;
  recent_clicks: ClickSample[];
  journeys: Record<string, ActiveJourney>;
  upload: UploadState | null;
  /**
   * Event time of the latest rage click detected (reported or within its cooldown): clicks around
   * it are that rage click, not rapid clicking. Absent in states saved before it existed.
   */
  rage_click_at?: number | null;
  /** lastEventAt of the idle period already reported as potential abandonment. */
  gap_reported_for: number | null;
  /**
   * Page path of the session's latest event that had one: where its problems happen (the problem
   * key, processor/problem-key.ts). Absent in states saved before it existed.
   */
  page_path?: string;
  /** Event time of the last insight per factor (cooldown). */
  last_reported: Partial<Record<RiskFactor, number>>;
  /** Event time of the last intervention per rule id (cooldown). */
  last_intervention: Record<string, number>;
  friction_score: number;
  friction_factors: Partial<Record<RiskFactor, number>>;
  /**
   * seq of the latest event applied to this state. A store without transactions (ClickHouse) may
   * keep a session saved after the state position it was saved with, when a node dies between the
   * two writes: the replay from that position then skips what this state already holds. Absent in
   * states saved before it existed.
   */
  applied_seq?: number;
}

export function newSessionState(projectId: string, sessionId: string, distinctId: string): SessionState {
  return {
    project_id: projectId,
    session_id: sessionId,
    distinct_id: distinctId,
    last_event_at: 0,
    last_event_uuid: '',
    live: false,
    recent_clicks: [],
    journeys: {},
    upload: null,
    rage_click_at: null,
    gap_reported_for: null,
    last_reported: {},
    last_intervention: {},
    friction_score: 0,
    friction_factors: {},
  };
}

export const hasActiveJourney = (s: SessionState): boolean => Object.keys(s.journeys).length > 0;

export const sessionKey = (projectId: string, sessionId: string): string => `${projectId}\u001f${sessionId}`;

/** Inserts a click keeping the list ordered by time and bounded. */
export function rememberClick(s: SessionState, click: ClickSample): void {
  const clicks = s.recent_clicks;
  let i = clicks.length;
  while (i > 0 && clicks[i - 1]!.timestamp > click.timestamp) i--;
  clicks.splice(i, 0, click);
  if (clicks.length > MAX_RECENT_CLICKS) clicks.splice(0, clicks.length - MAX_RECENT_CLICKS);
}

/**
 * Nothing in this session can influence what its later events produce (no journey, upload,
 * cooldown or friction; no click recent enough to count): it need not be saved, a restart
 * recreating it from its next event gives the same results.
 */
export function isFreshEquivalent(s: SessionState): boolean {
  return (
    s.recent_clicks.length === 0 &&
    s.upload === null &&
    s.friction_score === 0 &&
    Object.keys(s.journeys).length === 0 &&
    Object.keys(s.last_reported).length === 0 &&
    Object.keys(s.last_intervention).length === 0
  );
}

/** Drops clicks too old to matter to the click detectors (see RAPID_CLICKING_SPAN_MS). */
export function forgetOldClicks(s: SessionState, spanMs: number): void {
  const oldest = s.last_event_at - spanMs;
  if (s.recent_clicks.length > 0 && s.recent_clicks[0]!.timestamp < oldest)
    s.recent_clicks = s.recent_clicks.filter((c) => c.timestamp >= oldest);
}
