import { addWrite, type DataSet, type ProjectWrites } from '../query/reads.js';
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

  /**
   * The data sets these outputs touch, per project: journeys started, stepped, completed or
   * abandoned; insights; interventions created, and those whose shown / result the feedback
   * events update; per-session friction. Session state (`touched`, `evicted`) is the processor's
   * own memory, which no query reads.
   */
  writes(): ProjectWrites {
    const writes = new Map<string, Set<DataSet>>();
    for (const j of this.journeys.values()) addWrite(writes, j.project_id, 'journeys');
    for (const i of this.insights) addWrite(writes, i.project_id, 'insights');
    for (const v of this.interventions) addWrite(writes, v.project_id, 'interventions');
    for (const f of this.feedback) addWrite(writes, f.project_id, 'interventions');
    for (const f of this.friction.values()) addWrite(writes, f.project_id, 'friction');
    return writes;
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
