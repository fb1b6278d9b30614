import type { InterventionRule } from '../storage/processor-records.js';
import type { JourneyStats } from './journey-stats.js';
import type { BatchOutputs } from './outputs.js';

/** What the per-session logic needs from the processor while it handles one run of events. */
export interface ProcessingContext {
  out: BatchOutputs;
  stats: JourneyStats;
  /** Server time, only for created_at stamps (never for decisions). */
  wallNow(): number;
  holdoutPercent: number;
  rulesFor(projectId: string): readonly InterventionRule[];
}

/** A stored event with its properties parsed. */
export interface ProcessorEvent {
  seq: number;
  project_id: string;
  uuid: string;
  event: string;
  distinct_id: string;
  session_id: string;
  timestamp: number;
  received_at: number;
  /** Page path ('' when the event has none). */
  path: string;
  properties: Record<string, unknown>;
}
