/**
 * The generated data set the query benchmark runs over: sessions of ~10 events over the last 24 h
 * (a prefix of the upload funnel, a page_performance, clicks, some errors), seeded so every run and
 * every engine gets the same events.
 */
import type { EventRow } from '../../packages/server/src/storage/engine.js';

export const PROJECT = 'bench';
const FUNNEL = ['page_view', 'file_selected', 'upload_started', 'upload_complete', 'analysis_complete'];
const PATHS = ['/', '/upload', '/pricing', '/docs', '/settings'];
const CHUNK = 50_000;

/** mulberry32 */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sessions of ~10 events over the last 24 h: a funnel prefix, clicks, a page_performance, some errors. */
export function* generate(total: number, now: number): Generator<EventRow[]> {
  const random = seeded(42);
  let made = 0;
  let session = 0;
  let chunk: EventRow[] = [];
  while (made < total) {
    const id = `s${session++}`;
    const user = `u${Math.floor(random() * (total / 30))}`;
    let t = now - Math.floor(random() * 86_000_000);
    const path = PATHS[Math.floor(random() * PATHS.length)] as string;
    const names = [...FUNNEL.slice(0, 1 + Math.floor(random() * FUNNEL.length)), 'page_performance'];
    while (names.length < 10) names.push(random() < 0.05 ? 'error' : 'user_click');
    for (const event of names) {
      t += Math.floor(random() * 20_000);
      const properties =
        event === 'page_performance'
          ? {
              page_load_time: Math.floor(random() * 6000),
              lcp: Math.floor(random() * 4000),
              cls: random() / 2,
            }
          : { plan: random() < 0.3 ? 'pro' : 'free' };
      chunk.push({
        project_id: PROJECT,
        uuid: `${id}-${made}`,
        event,
        distinct_id: user,
        session_id: id,
        timestamp: t,
        received_at: t,
        url: `https://app.test${path}`,
        path,
        referrer: '',
        browser: 'Chrome',
        os: 'Linux',
        device: 'desktop',
        properties: JSON.stringify(properties),
      });
      if (++made >= total) break;
    }
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
