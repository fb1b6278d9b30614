import { isbot } from 'isbot';

/**
 * Which events bots sent: crawlers, AI crawlers and headless browsers, as `isbot` (a maintained
 * list of their User-Agent patterns) recognises them.
 *
 * Where the User-Agent came from matters. One the event names itself (`user_agent`,
 * `$user_agent`, PostHog's `$raw_user_agent`, Segment's `context.userAgent`) is the visitor's, so
 * isbot's verdict stands. The request's own header is the visitor's only when a browser sent the
 * request: programs that send events on a site's behalf (posthog-node, Segment's analytics-node,
 * a backend's fetch, curl) have User-Agents isbot also lists, yet say nothing about who visited.
 * Every browser, and every bot that runs a page's scripts, sends a User-Agent that starts with
 * `Mozilla/`; a request header without it is not judged.
 */
export type UserAgentSource = 'event' | 'request';

const BROWSER_PREFIX = 'Mozilla/';

const CACHE_LIMIT = 2000;
const verdicts = new Map<string, boolean>();

/** isbot's verdict, cached: a site's traffic repeats a few User-Agents and the pattern is long. */
function listedAsBot(userAgent: string): boolean {
  const hit = verdicts.get(userAgent);
  if (hit !== undefined) return hit;
  const verdict = isbot(userAgent);
  if (verdicts.size >= CACHE_LIMIT) verdicts.clear();
  verdicts.set(userAgent, verdict);
  return verdict;
}

/** Whether an event whose User-Agent is `userAgent` (from `source`) was sent by a bot. */
export function sentByBot(userAgent: string, source: UserAgentSource): boolean {
  if (!userAgent) return false;
  if (source === 'request' && !userAgent.startsWith(BROWSER_PREFIX)) return false;
  return listedAsBot(userAgent);
}
