import { describe, expect, it } from 'vitest';
import { createRng, generateSession } from '../../src/simulate/index.js';
import { rescuedEvents } from '../../src/simulate/rescue.js';

const friction = { abandon: 1, rageClicks: 0, errors: 0, stalls: 0 };

/** Seeds whose visitor leaves at each stage, found by generating (deterministic). */
function leavingSessions() {
  const found = [];
  for (let seed = 1; found.length < 40; seed++) {
    const session = generateSession(createRng(seed), 1_700_000_000_000, { friction });
    if (session.outcome === 'abandoned') found.push({ seed, session });
  }
  return found;
}

describe('an intervention that keeps a leaving visitor', () => {
  it('continues the session to the analysis, identical up to where the visitor would have left', () => {
    let rescued = 0;
    for (const { seed, session } of leavingSessions()) {
      // Accepted right after the first event was sent.
      const acceptedAt = session.events[0]!.timestamp + 500;
      const events = rescuedEvents(session, seed, { friction }, 1, acceptedAt);
      expect(events, `seed ${seed}`).not.toBeNull();
      if (!events) continue;
      rescued++;
      const names = events.map((e) => e.event);
      expect(names, `seed ${seed}`).toContain('analysis_complete');
      expect(names, `seed ${seed}`).not.toContain('journey_abandoned');
      expect(events[0]).toEqual(session.events[0]);
      // Time order holds and nothing new is before the acceptance.
      for (let i = 1; i < events.length; i++)
        expect(events[i]!.timestamp).toBeGreaterThanOrEqual(events[i - 1]!.timestamp);
      expect(events.slice(1).every((e) => e.timestamp > acceptedAt)).toBe(true);
      expect(new Set(events.map((e) => e.uuid)).size).toBe(events.length);
    }
    expect(rescued).toBe(40);
  });

  it('does nothing once the leaving was sent, or for a visitor who was staying anyway', () => {
    const [{ seed, session }] = leavingSessions() as [
      { seed: number; session: ReturnType<typeof generateSession> },
    ];
    const all = session.events.length;
    expect(rescuedEvents(session, seed, { friction }, all, session.endMs + 1)).toBeNull();
    const staying = generateSession(createRng(7), 1_700_000_000_000, {
      friction: { ...friction, abandon: 0 },
    });
    expect(
      rescuedEvents(staying, 7, { friction: { ...friction, abandon: 0 } }, 1, staying.startMs + 1),
    ).toBeNull();
  });
});
