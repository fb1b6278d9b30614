// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createSession,
  isSessionExpired,
  SESSION_IDLE_TIMEOUT_MS,
  SESSION_MAX_DURATION_MS,
} from '../src/core/session.js';

const MINUTE = 60_000;

describe('session', () => {
  beforeEach(() => localStorage.clear());

  it('expires after 30 min idle or 24 h in all', () => {
    const state = { id: 's', start: 0, last: 0 };
    expect(isSessionExpired(state, SESSION_IDLE_TIMEOUT_MS)).toBe(false);
    expect(isSessionExpired(state, SESSION_IDLE_TIMEOUT_MS + 1)).toBe(true);
    const busy = { id: 's', start: 0, last: SESSION_MAX_DURATION_MS - MINUTE };
    expect(isSessionExpired(busy, SESSION_MAX_DURATION_MS)).toBe(false);
    expect(isSessionExpired(busy, SESSION_MAX_DURATION_MS + 1)).toBe(true);
  });

  it('keeps the id while active and rotates after 30 min without activity', () => {
    const onRotate = vi.fn();
    const session = createSession('sess', onRotate);
    const t0 = Date.UTC(2030, 0, 1);
    const first = session.touch(t0);
    expect(session.touch(t0 + 29 * MINUTE)).toBe(first);
    expect(session.touch(t0 + 58 * MINUTE)).toBe(first);
    const second = session.touch(t0 + 58 * MINUTE + SESSION_IDLE_TIMEOUT_MS + 1);
    expect(second).not.toBe(first);
    expect(onRotate.mock.calls).toEqual([[first], [second]]);
  });

  it('rotates after 24 h even when always active', () => {
    const session = createSession('sess', () => {});
    const t0 = Date.UTC(2030, 0, 1);
    const first = session.touch(t0);
    for (let t = t0 + 20 * MINUTE; t <= t0 + SESSION_MAX_DURATION_MS; t += 20 * MINUTE)
      expect(session.touch(t)).toBe(first);
    expect(session.touch(t0 + SESSION_MAX_DURATION_MS + 1)).not.toBe(first);
  });

  it('is shared through localStorage (other tabs, next page) and reset on demand', () => {
    const t0 = Date.UTC(2030, 0, 1);
    const id = createSession('sess', () => {}).touch(t0);
    const nextPage = createSession('sess', () => {});
    expect(nextPage.touch(t0 + MINUTE)).toBe(id);
    nextPage.reset();
    expect(nextPage.touch(t0 + 2 * MINUTE)).not.toBe(id);
  });

  it('can be read without counting as activity', () => {
    const session = createSession('sess', () => {});
    const t0 = Date.UTC(2030, 0, 1);
    const id = session.touch(t0);
    expect(session.touch(t0 + 20 * MINUTE, false)).toBe(id);
    expect(session.touch(t0 + 40 * MINUTE, false)).not.toBe(id);
  });

  it('does not move the activity clock back for late events', () => {
    const session = createSession('sess', () => {});
    const t0 = Date.UTC(2030, 0, 1);
    const id = session.touch(t0 + 20 * MINUTE);
    session.touch(t0);
    expect(session.touch(t0 + 45 * MINUTE)).toBe(id);
  });
});
