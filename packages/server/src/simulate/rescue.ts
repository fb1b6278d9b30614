import { createRng } from './prng.js';
import { generateSession, type SessionOptions, type SimulatedSession } from './session.js';
import type { SimEvent } from './timeline.js';

/** Share of accepted interventions that keep a visitor who was about to leave. */
export const RESCUE_SHARE = 0.5;
/** The continuation starts this long after the visitor accepted the help. */
const RESUME_AFTER_MS = 1000;

/**
 * The rest of a session whose visitor accepted an intervention and stays: the same seed replayed
 * with `staysToTheEnd` (identical events up to where the visitor would have left), from there on
 * moved to start after `acceptedAt`. Returns the new full event list, or null when the visitor was
 * not leaving, or events past the point of leaving were already sent (`sent` = events handed out).
 */
export function rescuedEvents(
  session: SimulatedSession,
  seed: number,
  options: SessionOptions,
  sent: number,
  acceptedAt: number,
): SimEvent[] | null {
  if (session.outcome !== 'abandoned') return null;
  const stays = generateSession(createRng(seed), session.startMs, { ...options, staysToTheEnd: true });
  const original = session.events.filter((e) => !e.event.startsWith('$intervention'));
  let fork = 0;
  while (fork < original.length && original[fork]?.uuid === stays.events[fork]?.uuid) fork++;
  const sentOriginal = session.events
    .slice(0, sent)
    .filter((e) => !e.event.startsWith('$intervention')).length;
  if (fork >= stays.events.length || sentOriginal > fork) return null;
  const rest = stays.events.slice(fork);
  const shift = Math.max(0, acceptedAt + RESUME_AFTER_MS - (rest[0] as SimEvent).timestamp);
  const kept = session.events.slice(0, sent);
  // Interventions events scheduled but not sent yet (the answer itself) stay, in time order.
  const pending = session.events.slice(sent).filter((e) => e.event.startsWith('$intervention'));
  return [...kept, ...pending, ...rest.map((e) => ({ ...e, timestamp: e.timestamp + shift }))].sort(
    (a, b) => a.timestamp - b.timestamp,
  );
}
