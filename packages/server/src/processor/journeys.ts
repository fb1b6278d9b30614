import { JOURNEY_STEP_EVENT_PREFIX as STEP_EVENT_PREFIX } from '@sightline/schema';
import type { JourneyRecord, JourneyStatus, JourneyStepRecord } from '../storage/processor-records.js';
import type { ProcessingContext, ProcessorEvent } from './context.js';
import { stableId } from './ids.js';
import { recordInsight } from './insights.js';
import { type ActiveJourney, MAX_JOURNEY_STEPS, type SessionState } from './session-state.js';

/** An active journey whose session is idle this long (event time) is abandoned with reason `timeout`. */
export const JOURNEY_TIMEOUT_MS = 30 * 60_000;
export const TIMEOUT_REASON = 'timeout';

/** Properties that describe the journey itself (the rest of a step's properties is its metadata). */
const JOURNEY_KEYS = new Set([
  'journey_name',
  'initial_step',
  'step',
  'previous_step',
  'step_duration',
  'total_journey_time',
  'total_steps',
  'total_duration',
  'final_step',
  'journey_path',
  'abandon_step',
  'abandon_reason',
  'steps_completed',
]);
/** Page context every SDK event carries: not step metadata. */
const CONTEXT_KEYS = new Set([
  'url',
  'path',
  'referrer',
  'screen_width',
  'screen_height',
  'user_agent',
  'title',
]);

type JourneyAction = { kind: 'start' | 'step'; step: string } | { kind: 'complete' | 'abandon' };

function journeyAction(e: ProcessorEvent): JourneyAction | null {
  const p = e.properties;
  const str = (key: string) => (typeof p[key] === 'string' && p[key] !== '' ? (p[key] as string) : undefined);
  switch (e.event) {
    case 'journey_started':
      return { kind: 'start', step: str('initial_step') ?? 'start' };
    case 'journey_step': {
      const step = str('step');
      return step ? { kind: 'step', step } : null;
    }
    case 'journey_completed':
      return { kind: 'complete' };
    case 'journey_abandoned':
      return { kind: 'abandon' };
    default:
      return e.event.startsWith(STEP_EVENT_PREFIX) && e.event.length > STEP_EVENT_PREFIX.length
        ? { kind: 'step', step: e.event.slice(STEP_EVENT_PREFIX.length) }
        : null;
  }
}

function metadataOf(e: ProcessorEvent): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(e.properties))
    if (!JOURNEY_KEYS.has(key) && !CONTEXT_KEYS.has(key) && !key.startsWith('$')) metadata[key] = value;
  return metadata;
}

/** Applies a journey event (SDK or original-spec naming) to the session; returns false for other events. */
export function applyJourneyEvent(ctx: ProcessingContext, s: SessionState, e: ProcessorEvent): boolean {
  const action = journeyAction(e);
  const name = e.properties['journey_name'];
  if (!action || typeof name !== 'string' || name === '') return false;
  const journey = s.journeys[name];
  if (action.kind === 'start') {
    if (journey) closeJourney(ctx, s, journey, 'abandoned', e.timestamp, 'restarted', e.uuid);
    startJourney(ctx, s, name, action.step, e);
    return true;
  }
  // A step, completion or abandonment needs an active journey (docs/SEMANTICS.md, Journeys).
  // (Starting one from a stray step would leave a phantom journey behind, e.g. for a step that
  // arrives after its journey completed.)
  if (!journey) return true;
  if (action.kind === 'step') {
    addStep(journey, action.step, e);
    writeJourney(ctx, s, journey, 'active', null, null);
  } else if (action.kind === 'complete') {
    closeJourney(ctx, s, journey, 'completed', e.timestamp, null, e.uuid);
  } else {
    const reason = e.properties['abandon_reason'];
    closeJourney(
      ctx,
      s,
      journey,
      'abandoned',
      e.timestamp,
      typeof reason === 'string' ? reason : null,
      e.uuid,
    );
  }
  return true;
}

/** Abandons every active journey of an idle session, at the moment the timeout ran out. */
export function timeOutJourneys(ctx: ProcessingContext, s: SessionState, reason = TIMEOUT_REASON): void {
  const at = s.last_event_at + (reason === TIMEOUT_REASON ? JOURNEY_TIMEOUT_MS : 0);
  for (const journey of Object.values(s.journeys))
    closeJourney(ctx, s, journey, 'abandoned', at, reason, s.last_event_uuid);
}

function startJourney(
  ctx: ProcessingContext,
  s: SessionState,
  name: string,
  firstStep: string,
  e: ProcessorEvent,
): void {
  const journey: ActiveJourney = {
    id: stableId('jny', s.project_id, s.session_id, name, e.uuid),
    journey_name: name,
    started_at: e.timestamp,
    start_uuid: e.uuid,
    steps: [],
    dropped_steps: 0,
  };
  addStep(journey, firstStep, e);
  s.journeys[name] = journey;
  ctx.stats.count(s.project_id, name, 'started');
  writeJourney(ctx, s, journey, 'active', null, null);
}

function addStep(journey: ActiveJourney, step: string, e: ProcessorEvent): void {
  const previous = journey.steps[journey.steps.length - 1];
  const reported = e.properties['step_duration'];
  const duration =
    typeof reported === 'number' && reported >= 0
      ? reported
      : previous
        ? Math.max(0, e.timestamp - previous.timestamp)
        : 0;
  if (journey.steps.length >= MAX_JOURNEY_STEPS) journey.dropped_steps++;
  else journey.steps.push({ step, timestamp: e.timestamp, duration, metadata: metadataOf(e) });
}

function closeJourney(
  ctx: ProcessingContext,
  s: SessionState,
  journey: ActiveJourney,
  status: Exclude<JourneyStatus, 'active'>,
  at: number,
  reason: string | null,
  endUuid: string,
): void {
  delete s.journeys[journey.journey_name];
  ctx.stats.count(s.project_id, journey.journey_name, status);
  const record = writeJourney(ctx, s, journey, status, at, reason);
  const slowest = journey.steps.reduce<JourneyStepRecord | null>(
    (a, b) => (a && a.duration >= b.duration ? a : b),
    null,
  );
  const lastStep = journey.steps[journey.steps.length - 1]?.step ?? null;
  const abandoned = status === 'abandoned';
  recordInsight(ctx, s, {
    id: stableId('ins', journey.id, status),
    insight_type: abandoned ? 'journey_abandoned' : 'journey_completed',
    severity: abandoned ? 'medium' : 'low',
    generated_at: at,
    data: {
      risk_factors: abandoned ? ['journey_abandoned'] : [],
      recommended_actions: abandoned
        ? [`Review the "${lastStep}" step of the ${journey.journey_name} journey: users leave there`]
        : [],
      evidence: [...new Set([journey.start_uuid, endUuid])],
      journey_id: journey.id,
      journey_name: journey.journey_name,
      total_duration: record.total_duration,
      step_count: journey.steps.length + journey.dropped_steps,
      slowest_step: slowest ? { step: slowest.step, duration: slowest.duration } : null,
      ...(abandoned ? { abandoned_at_step: lastStep, abandon_reason: reason } : {}),
      completion_rate: record.completion_rate,
    },
  });
}

function writeJourney(
  ctx: ProcessingContext,
  s: SessionState,
  journey: ActiveJourney,
  status: JourneyStatus,
  endedAt: number | null,
  reason: string | null,
): JourneyRecord {
  const record: JourneyRecord = {
    id: journey.id,
    project_id: s.project_id,
    session_id: s.session_id,
    distinct_id: s.distinct_id,
    journey_name: journey.journey_name,
    status,
    steps: journey.steps.map((step) => ({ ...step })),
    started_at: journey.started_at,
    ended_at: endedAt,
    total_duration: endedAt === null ? null : Math.max(0, endedAt - journey.started_at),
    completion_rate: ctx.stats.completionRate(s.project_id, journey.journey_name),
    abandon_reason: reason,
  };
  ctx.out.journeys.set(record.id, record);
  return record;
}
