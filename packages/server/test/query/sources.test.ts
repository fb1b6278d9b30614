import type { BreakdownRow, SourcesResult } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourcesQuery } from '../../src/query/web/sources.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const PROJECT = 'p-sources';
const T = 1_700_000_000_000;
const RANGE = { from: T, to: T + 3_600_000 };

let n = 0;
/** One event of `session` by `user`, `at` seconds after T, with its referrer and landing URL. */
const ev = (
  session: string,
  user: string,
  at: number,
  referrer: string,
  url: string,
  extra: Partial<EventRow> = {},
): EventRow =>
  makeRow({
    project_id: PROJECT,
    uuid: `src-${n++}`,
    session_id: session,
    distinct_id: user,
    timestamp: T + at * 1000,
    referrer,
    url,
    path: new URL(url).pathname,
    properties: '{}',
    ...extra,
  });

const SHOP = 'https://shop.test/';

/** One session per channel rule, and the edges of attribution (see each line). */
const ROWS: EventRow[] = [
  // Before the range: not s1's entry.
  ev('s1', 'u1', -100, 'https://www.bing.com/', 'https://shop.test/old'),
  ev('s1', 'u1', 0, 'https://www.google.com/search?q=x', SHOP),
  // A later page of s1 (its referrer is the site itself): s1 stays organic search.
  ev('s1', 'u1', 10, SHOP, 'https://shop.test/pricing'),
  // Tagged paid: paid wins over the search engine referrer.
  ev(
    's2',
    'u2',
    20,
    'https://www.google.com/',
    `${SHOP}?utm_source=google&utm_medium=cpc&utm_campaign=spring`,
  ),
  // UTM tags in properties win over the URL's.
  ev('s3', 'u3', 30, '', `${SHOP}?utm_source=ignored`, {
    properties: JSON.stringify({ utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'weekly' }),
  }),
  ev('s4', 'u1', 40, 'https://t.co/abc', 'https://shop.test/blog'),
  ev('s5', 'u4', 50, 'https://blog.example.org/post', 'https://shop.test/pricing'),
  ev('s6', 'u5', 60, '', SHOP),
  // Tagged, but by no rule.
  ev('s7', 'u6', 70, '', `${SHOP}?utm_source=partner_x`),
  // Referred by the site itself (www. ignored): listed as a referrer, direct as a channel.
  ev('s8', 'u7', 80, 'https://shop.test/pricing', 'https://www.shop.test/'),
  ev('s9', 'u8', 90, '', `${SHOP}?utm_medium=Social&utm_term=shoes&utm_content=banner`),
  // Two events at the same ms: the first stored (lower seq) is the entry.
  ev('s10', 'u2', 100, 'https://duckduckgo.com/', SHOP, { event: 'click' }),
  ev('s10', 'u2', 100, 'https://www.bing.com/', SHOP),
  // A known site named by utm_source alone.
  ev('s11', 'u9', 110, '', `${SHOP}?utm_source=Facebook`),
  // A session without a distinct id: a session, not a visitor.
  ev('s12', '', 120, '', SHOP),
  // Not sessions: no session id, after the range, another project.
  ev('', 'u10', 130, 'https://reddit.com/', SHOP),
  ev('s13', 'u11', 4000, 'https://reddit.com/', SHOP),
  makeRow({ project_id: 'p-other', session_id: 's1', timestamp: T, referrer: 'https://reddit.com/' }),
];

const row = (name: string, visitors: number, sessions: number): BreakdownRow => ({
  name,
  visitors,
  sessions,
});
const ref = (domain: string, visitors: number, sessions: number) => ({ domain, visitors, sessions });

const ALL: SourcesResult = {
  referrers: [
    ref('', 5, 6),
    ref('google.com', 2, 2),
    ref('blog.example.org', 1, 1),
    ref('duckduckgo.com', 1, 1),
    ref('shop.test', 1, 1),
    ref('t.co', 1, 1),
  ],
  utm_sources: [
    row('', 6, 8),
    row('Facebook', 1, 1),
    row('google', 1, 1),
    row('newsletter', 1, 1),
    row('partner_x', 1, 1),
  ],
  utm_mediums: [row('', 7, 9), row('Social', 1, 1), row('cpc', 1, 1), row('email', 1, 1)],
  utm_campaigns: [row('', 8, 10), row('spring', 1, 1), row('weekly', 1, 1)],
  utm_terms: [row('', 8, 11), row('shoes', 1, 1)],
  utm_contents: [row('', 8, 11), row('banner', 1, 1)],
  channels: [
    // s4 (t.co), s9 (utm_medium Social), s11 (utm_source Facebook)
    row('social', 3, 3),
    // s6, s8 (self-referred), s12 (no visitor)
    row('direct', 2, 3),
    // s1 (google.com), s10 (duckduckgo.com)
    row('organic_search', 2, 2),
    row('email', 1, 1),
    row('other', 1, 1),
    row('paid', 1, 1),
    row('referral', 1, 1),
  ],
};

describe.each(ENGINES)('sources on $name', (kind) => {
  let engine: StorageEngine;
  const run = (args: object) => runQuery(engine, sourcesQuery, PROJECT, { time_range: RANGE, ...args }, T);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(ROWS);
  });
  afterAll(() => engine.close());

  it('attributes each session to its entry event', async () => {
    expect(await run({})).toEqual(ALL);
  });

  it('limits every list but the channels', async () => {
    const result = await run({ limit: 2 });
    expect(result.referrers).toEqual(ALL.referrers.slice(0, 2));
    expect(result.utm_sources).toEqual(ALL.utm_sources.slice(0, 2));
    expect(result.channels).toEqual(ALL.channels);
  });

  it('counts the sessions with a matching event, still attributed to their entry', async () => {
    // s1 matches by its second page, s5 by its entry.
    const result = await run({ filters: [{ property: 'path', op: 'eq', value: '/pricing' }] });
    expect(result.referrers).toEqual([ref('blog.example.org', 1, 1), ref('google.com', 1, 1)]);
    expect(result.channels).toEqual([row('organic_search', 1, 1), row('referral', 1, 1)]);
    expect(result.utm_sources).toEqual([row('', 2, 2)]);
  });

  it('filters by what the lists show', async () => {
    const result = await run({ filters: [{ property: 'utm_source', op: 'eq', value: 'google' }] });
    expect(result.channels).toEqual([row('paid', 1, 1)]);
    expect(result.utm_campaigns).toEqual([row('spring', 1, 1)]);
    const referred = await run({
      filters: [{ property: 'referrer_domain', op: 'in', value: ['t.co', 'duckduckgo.com'] }],
    });
    expect(referred.channels).toEqual([row('organic_search', 1, 1), row('social', 1, 1)]);
  });

  it('answers empty lists for a range without sessions', async () => {
    const empty = await run({ time_range: { from: T - 10_000_000, to: T - 9_000_000 } });
    expect(empty).toEqual({
      referrers: [],
      utm_sources: [],
      utm_mediums: [],
      utm_campaigns: [],
      utm_terms: [],
      utm_contents: [],
      channels: [],
    });
  });
});
