import type { SessionStateRow } from '../storage/processor-records.js';
import type { ProcessingContext } from './context.js';
import { timeOutJourneys } from './journeys.js';
import { fireDeadlines, nextDeadline } from './session-processor.js';
import { newSessionState, type SessionState, sessionKey } from './session-state.js';

/** Sessions held in memory at most; beyond it the least recently active one is closed early. */
export const DEFAULT_MAX_SESSIONS = 100_000;
export const EVICTED_REASON = 'session_evicted';

/**
 * The live sessions, least recently active first (a Map keeps insertion order; a touched session
 * moves to the end). Memory is bounded by idle eviction and by the cap.
 */
export class SessionTable {
  private readonly sessions = new Map<string, SessionState>();

  constructor(private readonly maxSessions = DEFAULT_MAX_SESSIONS) {}

  get size(): number {
    return this.sessions.size;
  }

  load(rows: readonly SessionStateRow[]): void {
    this.sessions.clear();
    // Defaults first: state written by an older version may lack newer fields.
    const states = rows.map((r) => ({
      ...newSessionState(r.project_id, r.session_id, ''),
      ...(JSON.parse(r.state) as Partial<SessionState>),
    }));
    states.sort((a, b) => a.last_event_at - b.last_event_at);
    for (const s of states) this.sessions.set(sessionKey(s.project_id, s.session_id), s);
  }

  /** The session's state, created on its first event and moved to the most-recent end. */
  get(ctx: ProcessingContext, projectId: string, sessionId: string, distinctId: string): SessionState {
    const key = sessionKey(projectId, sessionId);
    let s = this.sessions.get(key);
    if (s) this.sessions.delete(key);
    else s = newSessionState(projectId, sessionId, distinctId);
    this.sessions.set(key, s);
    if (this.sessions.size > this.maxSessions) this.evictOldest(ctx);
    return s;
  }

  /**
   * Fires every deadline up to `now`, evicts idle sessions; returns the earliest deadline left.
   * `liveOnly` (the wall clock): skip sessions fed by imports of old events, whose next events may
   * simply not be stored yet; the stream clock closes those.
   */
  expire(ctx: ProcessingContext, now: number, liveOnly = false): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [key, s] of this.sessions) {
      if (liveOnly && !s.live) {
        earliest = Math.min(earliest, nextDeadline(s));
        continue;
      }
      if (fireDeadlines(ctx, s, now)) {
        this.sessions.delete(key);
        ctx.out.evict(s);
      } else earliest = Math.min(earliest, nextDeadline(s));
    }
    return earliest;
  }

  private evictOldest(ctx: ProcessingContext): void {
    const [key, s] = this.sessions.entries().next().value as [string, SessionState];
    this.sessions.delete(key);
    timeOutJourneys(ctx, s, EVICTED_REASON);
    ctx.out.evict(s);
  }
}
