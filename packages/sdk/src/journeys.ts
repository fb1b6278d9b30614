import type { Properties } from './types.js';

export interface JourneyStep {
  step: string;
  timestamp: number;
  /** ms since the previous step. */
  duration?: number;
  metadata?: Properties;
}

export interface JourneyState {
  name: string;
  startTime: number;
  currentStep: string;
  steps: JourneyStep[];
}

export interface Journeys {
  start(name: string, step: string, metadata?: Properties): void;
  /** Starts the journey when none is active under this name. */
  move(name: string, step: string, metadata?: Properties): void;
  complete(name: string, metadata?: Properties): void;
  abandon(name: string, reason?: string, metadata?: Properties): void;
  abandonAll(reason: string): void;
  /** The active journey; a new object after every change (safe for useSyncExternalStore). */
  get(name: string): JourneyState | undefined;
  subscribe(listener: () => void): () => void;
}

/** Several named journeys at once, each emitting the journey_* events of packages/sdk/README.md (Events). */
export function createJourneys(track: (event: string, properties: Properties) => void): Journeys {
  const active = new Map<string, JourneyState>();
  const listeners = new Set<() => void>();

  const update = (name: string, state?: JourneyState) => {
    if (state) active.set(name, state);
    else active.delete(name);
    for (const listener of listeners) listener();
  };
  const path = (journey: JourneyState) => journey.steps.map((s) => s.step).join(' -> ');

  const journeys: Journeys = {
    start(name, step, metadata) {
      if (active.has(name)) journeys.abandon(name, 'restarted');
      const now = Date.now();
      update(name, { name, startTime: now, currentStep: step, steps: [{ step, timestamp: now, metadata }] });
      track('journey_started', { journey_name: name, initial_step: step, ...metadata });
    },
    move(name, step, metadata) {
      const journey = active.get(name);
      if (!journey) return journeys.start(name, step, metadata);
      const now = Date.now();
      const previous = journey.steps[journey.steps.length - 1];
      const duration = now - (previous?.timestamp ?? journey.startTime);
      update(name, {
        ...journey,
        currentStep: step,
        steps: [...journey.steps, { step, timestamp: now, duration, metadata }],
      });
      track('journey_step', {
        journey_name: name,
        step,
        previous_step: previous?.step,
        step_duration: duration,
        total_journey_time: now - journey.startTime,
        ...metadata,
      });
    },
    complete(name, metadata) {
      const journey = active.get(name);
      if (!journey) return;
      update(name);
      track('journey_completed', {
        journey_name: name,
        total_steps: journey.steps.length,
        total_duration: Date.now() - journey.startTime,
        final_step: journey.currentStep,
        journey_path: path(journey),
        ...metadata,
      });
    },
    abandon(name, reason, metadata) {
      const journey = active.get(name);
      if (!journey) return;
      update(name);
      track('journey_abandoned', {
        journey_name: name,
        abandon_step: journey.currentStep,
        abandon_reason: reason,
        total_duration: Date.now() - journey.startTime,
        steps_completed: journey.steps.length,
        journey_path: path(journey),
        ...metadata,
      });
    },
    abandonAll(reason) {
      for (const name of [...active.keys()]) journeys.abandon(name, reason);
    },
    get: (name) => active.get(name),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return journeys;
}
