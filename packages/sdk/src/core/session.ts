import { getJSON, removeItem, setJSON } from './storage.js';
import { uuidv7 } from './uuid.js';

export const SESSION_IDLE_TIMEOUT_MS = 30 * 60 * 1000;
export const SESSION_MAX_DURATION_MS = 24 * 60 * 60 * 1000;

export interface SessionState {
  id: string;
  /** When the session began (ms). */
  start: number;
  /** Last activity (ms). */
  last: number;
}

/** A session ends after 30 min without events or 24 h after it began. */
export function isSessionExpired(state: SessionState, now: number): boolean {
  return now - state.last > SESSION_IDLE_TIMEOUT_MS || now - state.start > SESSION_MAX_DURATION_MS;
}

export interface Session {
  /** Returns the current session id, rotating it when expired; records activity at `now` unless told not to. */
  touch(now?: number, activity?: boolean): string;
  reset(): void;
}

/** Kept in localStorage so that tabs of one visitor share the session. */
export function createSession(key: string, onRotate: (sessionId: string) => void): Session {
  return {
    touch(now = Date.now(), activity = true) {
      const saved = getJSON<SessionState>(key);
      const state: SessionState =
        saved?.id && !isSessionExpired(saved, now) ? saved : { id: uuidv7(now), start: now, last: now };
      // Events replayed with an older timestamp must not move the activity clock back.
      if (activity) state.last = Math.max(state.last, now);
      setJSON(key, state);
      // Saved first: the listener may ask for the session id again.
      if (state !== saved) onRotate(state.id);
      return state.id;
    },
    reset: () => removeItem(key),
  };
}
