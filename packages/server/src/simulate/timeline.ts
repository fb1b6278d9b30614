import { type Rng, uuidv7 } from './prng.js';
import type { DeviceProfile } from './profiles.js';

/** A native event as `POST /v1/events` takes it; `timestamp` is when it happens (ms since epoch). */
export interface SimEvent {
  uuid: string;
  event: string;
  distinct_id: string;
  session_id: string;
  timestamp: number;
  properties: Record<string, unknown>;
}

interface JourneyProgress {
  startedAt: number;
  steps: Array<{ step: string; at: number }>;
}

/**
 * Writes one session's events in time order, with the page context the SDK adds to every event
 * and the journey bookkeeping (step durations, paths) the SDK's journey plugin does.
 */
export class Timeline {
  readonly events: SimEvent[] = [];
  private readonly journeys = new Map<string, JourneyProgress>();
  private readonly context: Record<string, unknown>;

  constructor(
    private readonly rng: Rng,
    public t: number,
    readonly sessionId: string,
    readonly distinctId: string,
    device: DeviceProfile,
    page: { url: string; path: string; referrer: string },
  ) {
    this.context = {
      url: page.url,
      path: page.path,
      referrer: page.referrer,
      screen_width: device.screenWidth,
      screen_height: device.screenHeight,
      // The server reads browser/os/device from this when the request's own User-Agent is not the visitor's.
      user_agent: device.userAgent,
      $lib: 'sightline-simulate',
      $lib_version: '0.1.0',
      $simulated: true,
    };
  }

  /** Moves the clock forward by a random amount in [lo, hi] ms. */
  wait(lo: number, hi: number): void {
    this.t += this.rng.int(lo, hi);
  }

  emit(event: string, properties: Record<string, unknown> = {}): SimEvent {
    const e: SimEvent = {
      uuid: uuidv7(this.rng, this.t),
      event,
      distinct_id: this.distinctId,
      session_id: this.sessionId,
      timestamp: this.t,
      properties: { ...this.context, ...properties },
    };
    this.events.push(e);
    return e;
  }

  isActive(journey: string): boolean {
    return this.journeys.has(journey);
  }

  activeJourneys(): string[] {
    return [...this.journeys.keys()];
  }

  startJourney(name: string, step: string, meta: Record<string, unknown> = {}): void {
    this.journeys.set(name, { startedAt: this.t, steps: [{ step, at: this.t }] });
    this.emit('journey_started', { journey_name: name, initial_step: step, ...meta });
  }

  step(name: string, step: string, meta: Record<string, unknown> = {}): void {
    const j = this.journeys.get(name);
    if (!j) return;
    const previous = j.steps[j.steps.length - 1]!;
    j.steps.push({ step, at: this.t });
    this.emit('journey_step', {
      journey_name: name,
      step,
      previous_step: previous.step,
      step_duration: this.t - previous.at,
      total_journey_time: this.t - j.startedAt,
      ...meta,
    });
  }

  complete(name: string, meta: Record<string, unknown> = {}): void {
    const j = this.journeys.get(name);
    if (!j) return;
    this.journeys.delete(name);
    this.emit('journey_completed', {
      journey_name: name,
      total_steps: j.steps.length,
      total_duration: this.t - j.startedAt,
      final_step: j.steps[j.steps.length - 1]!.step,
      journey_path: j.steps.map((s) => s.step).join(' -> '),
      ...meta,
    });
  }

  abandon(name: string, reason: string, meta: Record<string, unknown> = {}): void {
    const j = this.journeys.get(name);
    if (!j) return;
    this.journeys.delete(name);
    this.emit('journey_abandoned', {
      journey_name: name,
      abandon_step: j.steps[j.steps.length - 1]!.step,
      abandon_reason: reason,
      total_duration: this.t - j.startedAt,
      steps_completed: j.steps.length,
      journey_path: j.steps.map((s) => s.step).join(' -> '),
      ...meta,
    });
  }
}
