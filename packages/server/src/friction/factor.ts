// The ids come from the schema (the clients read them too), not from catalogue.ts: no import cycle.
import type { FrictionFactorId as RiskFactor } from '@sightline/schema';
import type { InsightSeverity } from '../storage/processor-records.js';

/** One finding of a detector: when (event time), and which events show it. */
export interface Detection {
  factor: RiskFactor;
  at: number;
  evidence: string[];
}

/** An event as the detectors see it: name, time and id. */
export interface TimedEvent {
  uuid: string;
  event: string;
  timestamp: number;
}

/** A click with its position when the event carries one. */
export interface ClickSample extends TimedEvent {
  x?: number;
  y?: number;
}

/** What the processor does by default when a factor is detected (a project may store its own rules). */
export interface DefaultIntervention {
  /** Rule id: factors sharing an id share one rule (and its cooldown). */
  rule: string;
  action: string;
  message: string;
}

/**
 * One kind of friction, defined once: the stream processor detects it with `detect`, the
 * insights and interventions describe it with the texts below, and every query (drop-offs,
 * sessions, friction) reads what the processor stored for it per session.
 */
export interface FrictionFactor<Id extends string, Detect extends (...args: never[]) => Detection | null> {
  id: Id;
  /** Event names the detector reads (besides clicks, which every click detector reads). */
  events: readonly string[];
  /** The detector's limits by name, for documentation and the catalogue's readers. */
  thresholds: Readonly<Record<string, number>>;
  /** The per-session detector (pure: state in, detection out). */
  detect: Detect;
  /** Severity of an insight reporting this factor alone. */
  severity: InsightSeverity;
  /** What one detection adds to the session's friction score. */
  weight: number;
  /** What to do, as listed in a `user_at_risk` insight. */
  recommendation: string;
  /** What to do, for a funnel step where sessions with this factor dropped most. */
  dropOffRecommendation: string;
  /** The default intervention; null when the factor alone does not warrant interrupting the user. */
  intervention: DefaultIntervention | null;
}
