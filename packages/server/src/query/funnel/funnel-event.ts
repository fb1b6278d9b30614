/** One stored event that matches some funnel step, as the funnel query fetches it. */
export interface FunnelEvent {
  unit: string;
  /** The steps the event matches, as bits (bit k: step k); several when steps share an event name. */
  steps: number;
  timestamp: number;
  seq: number;
  /** The breakdown property's value (only read from step-1 events; '' when missing). */
  breakdown: string;
}

/** A run from one start: the furthest step index it reached and its times to convert. */
export interface Run {
  furthest: number;
  /** timesMs[k] = ms from step k-1 to step k, for 1 <= k <= furthest (index 0 unused, 0). */
  timesMs: number[];
}
