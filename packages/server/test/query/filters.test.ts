import { filtersSchema, type QueryFilter } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterCondition } from '../../src/query/filters.js';
import { sql } from '../../src/sql/sql.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { matchesFilters } from './filters-reference.js';
import { ENGINES, openTestEngine } from './support.js';

const PROJECT = 'p-filters';
const T = 1_700_000_000_000;

const row = (uuid: string, overrides: Partial<EventRow>): EventRow =>
  makeRow({ project_id: PROJECT, uuid, session_id: `s-${uuid}`, timestamp: T, ...overrides });

/** One row per shape a filter must tell apart: referrers, UTM in the URL or properties, case, Unicode. */
const ROWS: EventRow[] = [
  row('a', {
    country: 'DE',
    path: '/home',
    browser: 'Chrome',
    os: 'Linux',
    device: 'desktop',
    event: 'page_view',
    referrer: 'https://www.Google.com/search?q=x',
    url: 'https://shop.test/home?utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale',
    properties: '{"plan":"pro"}',
  }),
  row('b', {
    country: 'US',
    path: '/pricing',
    browser: 'Firefox',
    os: 'Windows',
    device: 'desktop',
    event: 'page_view',
    referrer: 'http://news.ycombinator.com:443/item?id=1',
    // The sender's properties win over the URL.
    url: 'https://shop.test/pricing?utm_source=hn+front',
    properties: '{"plan":"free","utm_source":"newsletter"}',
  }),
  row('c', {
    country: '',
    path: '/pricing/team',
    browser: 'Safari',
    os: 'iOS',
    device: 'mobile',
    event: 'click',
    referrer: '$direct',
    url: 'https://shop.test/pricing/team',
    properties: '{"plan":"pro","utm_source":""}',
  }),
  row('d', {
    country: 'FR',
    path: '/blog/a',
    browser: 'Chrome',
    os: 'Android',
    device: 'mobile',
    event: 'page_view',
    referrer: 'https://user@t.co/abc',
    url: 'https://shop.test/blog/a?x=1&utm_medium=social&utm_campaign=launch',
    properties: '{}',
  }),
  row('e', {
    country: 'DE',
    path: '/Home',
    browser: 'Edge',
    os: 'Windows',
    device: 'tablet',
    event: 'error',
    referrer: 'android-app://com.google.android.gm/',
    url: '',
    properties: '{"plan":"Pro%"}',
  }),
  row('f', {
    country: 'US',
    path: '/home',
    browser: 'Chrome',
    os: 'Mac OS',
    device: 'desktop',
    event: 'page_view',
    referrer: 'https://[::1]:8080/x',
    url: 'https://shop.test/home?utm_source=a%26b',
    properties: '{"plan":"it\'s \\"q\\"","$weird.key-1":"yes"}',
  }),
  row('g', {
    country: '',
    path: '/Café/ü',
    browser: 'Chrome',
    os: 'Linux',
    device: 'desktop',
    event: 'page_view',
    referrer: 'https://WWW.Example.ORG/',
    url: 'https://shop.test/Caf%C3%A9?utm_campaign=caf%C3%A9+%C3%BC',
    properties: '{"plan":"pro"}',
  }),
  // Another project's row matches every filter below that `a` matches: never returned.
  { ...makeRow({ project_id: 'p-other', uuid: 'other', timestamp: T }), path: '/home' },
];

type Case = [string, QueryFilter[], string];
const f = (property: QueryFilter['property'], op: QueryFilter['op'], value: string | string[]) => ({
  property,
  op,
  value,
});

/** Each property with each op, the rows expected (uuids, sorted), worked out by hand. */
const CASES: Case[] = [
  ['no filter', [], 'abcdefg'],
  ['path eq', [f('path', 'eq', '/pricing')], 'b'],
  ['path neq', [f('path', 'neq', '/home')], 'bcdeg'],
  ['path contains ignores case', [f('path', 'contains', 'PRICING')], 'bc'],
  ['path contains Unicode ignoring case', [f('path', 'contains', 'CAFÉ/Ü')], 'g'],
  ['path in', [f('path', 'in', ['/home', '/blog/a'])], 'adf'],
  ['browser eq', [f('browser', 'eq', 'Chrome')], 'adfg'],
  ['browser neq', [f('browser', 'neq', 'Chrome')], 'bce'],
  ['browser contains', [f('browser', 'contains', 'fire')], 'b'],
  ['browser in', [f('browser', 'in', ['Safari', 'Edge'])], 'ce'],
  ['os eq', [f('os', 'eq', 'Windows')], 'be'],
  ['os neq', [f('os', 'neq', 'Windows')], 'acdfg'],
  ['os contains', [f('os', 'contains', 'OS')], 'cf'],
  ['os in', [f('os', 'in', ['Linux', 'Android'])], 'adg'],
  ['device eq', [f('device', 'eq', 'mobile')], 'cd'],
  ['device neq', [f('device', 'neq', 'desktop')], 'cde'],
  ['device contains', [f('device', 'contains', 'TAB')], 'e'],
  ['device in', [f('device', 'in', ['tablet', 'desktop'])], 'abefg'],
  ['event eq', [f('event', 'eq', 'page_view')], 'abdfg'],
  ['event neq', [f('event', 'neq', 'page_view')], 'ce'],
  ['event contains', [f('event', 'contains', 'err')], 'e'],
  ['event in', [f('event', 'in', ['click', 'error'])], 'ce'],
  ['referrer_domain eq (www. dropped, lower case)', [f('referrer_domain', 'eq', 'google.com')], 'a'],
  [
    'referrer_domain eq (port, user dropped)',
    [f('referrer_domain', 'in', ['news.ycombinator.com', 't.co'])],
    'bd',
  ],
  ['referrer_domain eq "" ($direct)', [f('referrer_domain', 'eq', '')], 'c'],
  ['referrer_domain neq ""', [f('referrer_domain', 'neq', '')], 'abdefg'],
  ['referrer_domain contains', [f('referrer_domain', 'contains', 'GOOGLE')], 'ae'],
  ['referrer_domain in (IPv6, upper case www)', [f('referrer_domain', 'in', ['[::1]', 'example.org'])], 'fg'],
  ['utm_source eq (decoded)', [f('utm_source', 'eq', 'a&b')], 'f'],
  ['utm_source in (properties win)', [f('utm_source', 'in', ['google', 'hn front'])], 'a'],
  ['utm_source neq ""', [f('utm_source', 'neq', '')], 'abf'],
  ['utm_source contains', [f('utm_source', 'contains', 'NEWS')], 'b'],
  ['utm_medium eq', [f('utm_medium', 'eq', 'cpc')], 'a'],
  ['utm_medium neq', [f('utm_medium', 'neq', 'cpc')], 'bcdefg'],
  ['utm_medium contains', [f('utm_medium', 'contains', 'soc')], 'd'],
  ['utm_medium in', [f('utm_medium', 'in', ['cpc', 'social'])], 'ad'],
  ['utm_campaign eq (%20)', [f('utm_campaign', 'eq', 'spring sale')], 'a'],
  ['utm_campaign eq (UTF-8, +)', [f('utm_campaign', 'eq', 'café ü')], 'g'],
  ['utm_campaign neq ""', [f('utm_campaign', 'neq', '')], 'adg'],
  ['utm_campaign contains', [f('utm_campaign', 'contains', 'LAUN')], 'd'],
  ['utm_campaign in', [f('utm_campaign', 'in', ['launch'])], 'd'],
  ['country eq', [f('country', 'eq', 'DE')], 'ae'],
  ['country neq "" (known)', [f('country', 'neq', '')], 'abdef'],
  ['country contains ignores case', [f('country', 'contains', 'u')], 'bf'],
  ['country in', [f('country', 'in', ['FR', 'US'])], 'bdf'],
  ['properties eq', [f('properties.plan', 'eq', 'pro')], 'acg'],
  ['properties neq', [f('properties.plan', 'neq', 'pro')], 'bdef'],
  ['properties contains (% is plain text)', [f('properties.plan', 'contains', 'pro%')], 'e'],
  ['properties contains ignores case', [f('properties.plan', 'contains', 'PRO')], 'aceg'],
  ['properties in (quotes)', [f('properties.plan', 'in', [`it's "q"`, 'free'])], 'bf'],
  ['properties key with $ . -', [f('properties.$weird.key-1', 'eq', 'yes')], 'f'],
  ['missing property reads ""', [f('properties.missing', 'eq', '')], 'abcdefg'],
  ['filters are AND-ed', [f('path', 'contains', 'pricing'), f('browser', 'eq', 'Firefox')], 'b'],
  [
    'AND across derived properties',
    [f('referrer_domain', 'neq', ''), f('utm_medium', 'in', ['cpc', 'social'])],
    'ad',
  ],
  ['a value is never SQL', [f('path', 'eq', "'; DROP TABLE events; --")], ''],
  ['an IN value is never SQL', [f('path', 'in', ["x') OR ('1' = '1"])], ''],
];

describe('filters reference (the definitions in TypeScript)', () => {
  it.each(CASES)('%s', (_name, filters, expected) => {
    const ids = ROWS.filter((r) => r.project_id === PROJECT && matchesFilters(r, filters)).map((r) => r.uuid);
    expect(ids.sort().join('')).toBe(expected);
  });
});

describe.each(ENGINES)('filterCondition on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(ROWS);
  }, 60_000);
  afterAll(() => engine?.close());

  it.each(CASES)('%s', async (_name, filters, expected) => {
    const rows = await engine.query(
      sql`SELECT uuid FROM events WHERE project_id = ${PROJECT} AND ${filterCondition(filters, engine.dialect)}
          ORDER BY uuid`,
    );
    expect(rows.map((r) => String(r['uuid'])).join('')).toBe(expected);
  });
});

describe('filters schema', () => {
  const parse = (filters: unknown) => filtersSchema.safeParse(filters).success;
  it('accepts every property and op within the bounds', () => {
    expect(parse(CASES.flatMap(([, filters]) => filters).slice(0, 20))).toBe(true);
    expect(parse(undefined)).toBe(true);
    expect(
      parse([
        f(
          'path',
          'in',
          Array.from({ length: 100 }, (_, i) => `/${i}`),
        ),
      ]),
    ).toBe(true);
    expect(parse([f('path', 'eq', 'x'.repeat(200))])).toBe(true);
    expect(parse([f(`properties.${'k'.repeat(100)}`, 'eq', '')])).toBe(true);
  });
  it('refuses what is out of bounds or malformed', () => {
    expect(parse(Array.from({ length: 21 }, () => f('path', 'eq', '/')))).toBe(false);
    expect(parse([f('path', 'eq', 'x'.repeat(201))])).toBe(false);
    expect(
      parse([
        f(
          'path',
          'in',
          Array.from({ length: 101 }, (_, i) => `/${i}`),
        ),
      ]),
    ).toBe(false);
    expect(parse([f('path', 'in', [])])).toBe(false);
    expect(parse([f('path', 'in', '/home')])).toBe(false);
    expect(parse([f('path', 'eq', ['/home'])])).toBe(false);
    expect(parse([{ property: 'url', op: 'eq', value: '/' }])).toBe(false);
    expect(parse([{ property: 'path', op: 'like', value: '/' }])).toBe(false);
    expect(parse([f(`properties.${'k'.repeat(101)}`, 'eq', '')])).toBe(false);
    expect(parse([f('properties.a b', 'eq', '')])).toBe(false);
    expect(parse([f("properties.a'--", 'eq', '')])).toBe(false);
    expect(parse([f('properties.', 'eq', '')])).toBe(false);
  });
});
