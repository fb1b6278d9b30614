import { randomUUID } from 'node:crypto';

const PAGES = [
  '/',
  '/pricing',
  '/upload',
  '/upload/progress',
  '/analysis',
  '/account',
  '/docs/getting-started',
];
const EVENTS = [
  'page_view',
  'user_click',
  'scroll_depth',
  'engagement_summary',
  'upload_progress',
  'tab_hidden',
];
export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
];

/** A realistic ~400-byte native event (as JSON) like the SDK sends (the browser's UA arrives as a header). */
export function realisticEvent(i: number, now: number): Record<string, unknown> {
  const page = PAGES[i % PAGES.length]!;
  return {
    uuid: randomUUID(),
    event: EVENTS[i % EVENTS.length],
    distinct_id: `user-${(i * 7919) % 5000}`,
    session_id: `session-${(i * 104729) % 20000}`,
    timestamp: now - (i % 1000),
    properties: {
      url: `https://app.example.com${page}?ref=bench`,
      path: page,
      referrer: 'https://www.google.com/',
      element_tag: 'button',
      element_id: `cta-${i % 12}`,
      screen_width: 1440,
      screen_height: 900,
      $lib: 'sightline-js',
      $lib_version: '0.1.0',
    },
  };
}

export function batchBody(apiKey: string, size: number, seed: number): string {
  const now = Date.now();
  const batch = Array.from({ length: size }, (_, i) => realisticEvent(seed + i, now));
  return JSON.stringify({ api_key: apiKey, batch, sent_at: now });
}
