import type { Detection, FrictionFactor } from './factor.js';
import { HELP_PROMPT_MESSAGE } from './interventions.js';

/**
 * More than this between two events of a session inside an active journey: potential abandonment.
 * Half a minute without any event (the SDK sends engagement and scroll events while the user
 * reads) is long for a task in progress.
 */
export const LONG_GAP_MS = 30_000;

export interface GapState {
  /** Time and id of the session's latest event. */
  lastEventAt: number;
  lastEventUuid: string;
  journeyActive: boolean;
  /** lastEventAt of the idle period already reported, so one pause is reported once. */
  reportedFor: number | null;
}

/** When the gap would be reported if nothing happens; null when no journey is active. */
export function longGapDeadline(state: GapState): number | null {
  if (!state.journeyActive || state.reportedFor === state.lastEventAt) return null;
  return state.lastEventAt + LONG_GAP_MS;
}

/**
 * `now` is the next event's time or the clock. Reported at the deadline itself, so whether the next
 * event or the clock notices first, the insight is the same.
 */
export function detectLongGap(state: GapState, now: number): Detection | null {
  const deadline = longGapDeadline(state);
  if (deadline === null || !(now > deadline)) return null;
  return { factor: 'potential_abandonment', at: deadline, evidence: [state.lastEventUuid] };
}

export const potentialAbandonment: FrictionFactor<'potential_abandonment', typeof detectLongGap> = {
  id: 'potential_abandonment',
  events: [],
  thresholds: { long_gap_ms: LONG_GAP_MS },
  detect: detectLongGap,
  severity: 'medium',
  weight: 2,
  recommendation: 'Consider showing engagement prompt or help',
  dropOffRecommendation:
    'Sessions paused for long before dropping here: make this step quicker to understand and offer help.',
  intervention: { rule: 'abandonment_help', action: 'help_prompt', message: HELP_PROMPT_MESSAGE },
};
