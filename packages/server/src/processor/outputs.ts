import type {
  InsightRecord,
  InterventionFeedback,
  InterventionRecord,
  JourneyRecord,
  SessionFrictionRecord,
} from '../storage/processor-records.js';
import { type SessionState, sessionKey } from './session-state.js';

/** What processing a run of events produced, gathered until it is committed with its checkpoint. */
export class BatchOutputs {
  readonly journeys = new Map<string, JourneyRecord>();
  readonly insights: InsightRecord[] = [];
  readonly interventions: InterventionRecord[] = [];
  readonly feedback: InterventionFeedback[] = [];
  readonly friction = new Map<string, SessionFrictionRecord>();
  readonly touched = new Map<string, SessionState>();
  readonly evicted = new Map<string, { project_id: string; session_id: string }>();

  touch(s: SessionState): void {
    const key = sessionKey(s.project_id, s.session_id);
    this.evicted.delete(key);
    this.touched.set(key, s);
  }

  evict(s: SessionState): void {
    const key = sessionKey(s.project_id, s.session_id);
    this.touched.delete(key);
    this.evicted.set(key, { project_id: s.project_id, session_id: s.session_id });
  }

  isEmpty(): boolean {
    return (
      this.journeys.size === 0 &&
      this.insights.length === 0 &&
      this.interventions.length === 0 &&
      this.feedback.length === 0 &&
      this.friction.size === 0 &&
      this.touched.size === 0 &&
      this.evicted.size === 0
    );
  }
}
