import type { Channel } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelSql } from '../../src/query/web/channel.js';
import { knownReferrers, knownReferrersFrom } from '../../src/query/web/known-referrers.js';
import { sql } from '../../src/sql/sql.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { CLICKHOUSE, DUCKDB } from '../support/engines.js';

/** [referrer host ('' for none or the site's own), utm_source, utm_medium] → channel, each rule and its order. */
const CASES: Array<[string, string, string, Channel]> = [
  ['', '', 'cpc', 'paid'],
  ['', '', 'cpm', 'paid'],
  ['', '', 'paid_social', 'paid'],
  ['', '', 'ppc', 'paid'],
  ['googleadservices.com', '', '', 'paid'],
  // Paid is tried before email and social.
  ['facebook.com', 'newsletter', 'paidsocial', 'paid'],
  ['', 'newsletter', '', 'email'],
  ['', '', 'e-mail', 'email'],
  ['mail.google.com', '', '', 'email'],
  ['', 'gmail', '', 'email'],
  ['', '', 'social', 'social'],
  ['l.facebook.com', '', '', 'social'],
  ['', 'twitter', '', 'social'],
  ['', 'linkedin.com', '', 'social'],
  ['', '', 'organic', 'organic_search'],
  ['bing.com', '', '', 'organic_search'],
  ['', 'google', '', 'organic_search'],
  // Google's other sites are not its search engine.
  ['maps.google.com', '', '', 'referral'],
  ['blog.example.org', 'partner', 'banner', 'referral'],
  ['', 'partner', 'referral', 'referral'],
  ['', '', '', 'direct'],
  ['', 'partner', '', 'other'],
  ['', '', 'print', 'other'],
];

describe('the known referrer list', () => {
  it('comes from the installed package, by channel', () => {
    const known = knownReferrers();
    expect(known.hosts.organic_search.length).toBeGreaterThan(1000);
    expect(known.hosts.organic_search).toContain('google.com');
    expect(known.hosts.social).toContain('t.co');
    expect(known.hosts.email).toContain('mail.google.com');
    expect(known.hosts.paid).toContain('googleadservices.com');
    expect(known.sources.social).toContain('facebook');
  });

  it('keeps hosts without www. or path, and leaves unknown media out', () => {
    const known = knownReferrersFrom({
      'www.Search.test/results': { source: 'Search', medium: 'search' },
      'maps.search.test': { source: 'Search', medium: 'unknown' },
    });
    expect(known.hosts.organic_search).toEqual(['search.test']);
    expect(known.sources.organic_search).toEqual(['search', 'search.test']);
    expect(known.hosts.social).toEqual([]);
  });
});

describe.each([DUCKDB, CLICKHOUSE])('channel rules on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = (await kind.open()).engine;
  });
  afterAll(() => engine.close());

  it('puts each tagged or referred entry in its channel', async () => {
    const got: string[] = [];
    for (const [domain, source, medium] of CASES) {
      const channel = channelSql(engine.dialect, {
        domain: sql`${domain}`,
        source: sql`${source}`,
        medium: sql`${medium}`,
      });
      const [row] = await engine.query(sql`SELECT ${channel} AS channel`);
      got.push(String(row?.['channel']));
    }
    expect(got).toEqual(CASES.map((c) => c[3]));
  });
});
