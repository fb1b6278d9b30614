/** The risk factors of DESIGN §6, each found by one detector in this folder. */
export const RISK_FACTORS = [
  'rapid_clicking',
  'rage_click',
  'dead_click',
  'potential_abandonment',
  'error_encountered',
  'slow_page',
  'upload_stall',
] as const;

export type RiskFactor = (typeof RISK_FACTORS)[number];

/** One finding of a detector: when (event time), and which events show it. */
export interface Detection {
  factor: RiskFactor;
  at: number;
  evidence: string[];
}

/** An event as the detectors see it: name, time, id and parsed properties. */
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
