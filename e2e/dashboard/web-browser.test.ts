import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type FunnelResult,
  type PagesResult,
  type RetentionResult,
  WEB_OVERVIEW_FIGURES,
  type WebOverviewResult,
} from '@sightline/schema';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHROME_UA, launchChromium } from '../support/browser.js';
import { type SightlineProcess, startSightline } from '../support/sightline.js';
import { buildDashboard, settled, showView } from './support/dashboard-page.js';
import type { NativeEvent } from './support/traffic.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const SHOTS_DIR = root('.cache/shots/');

const ORIGIN = 'https://shop.example';
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const FIREFOX_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
/** Addresses whose country has been stable for years in every GeoLite2 release (as in geo.test.ts). */
const ADDRESSES = { GB: '81.2.69.142', US: '8.8.8.8', NL: '2001:67c:2e8:22::c100:68b' } as const;

const JOURNEYS = [
  ['/'],
  ['/', '/pricing'],
  ['/pricing', '/signup'],
  ['/docs', '/docs/install', '/pricing'],
  ['/blog/launch'],
];
const REFERRERS = [
  'https://www.google.com/search?q=video',
  'https://news.ycombinator.com/item?id=1',
  '',
  'https://twitter.com/someone',
  '',
];
const CLIENTS = [
  { ua: DESKTOP_CHROME_UA, screen: 1440 },
  { ua: IPHONE_UA, screen: 390 },
  { ua: FIREFOX_UA, screen: 1024 },
];
const COUNTRIES = ['GB', 'US', 'NL', null] as const;

/** Live results arrive within a push or two; generous for a busy machine. */
const POLL = { timeout: 15_000 };
const MINUTE = 60_000;

/** One visit: a page view per path, 40 s apart, from one client and one address. */
function visit(
  i: number,
  start: number,
  prefix: string,
  distinctId = `${prefix}-user${i}`,
): { events: NativeEvent[]; country: string | null } {
  const paths = JOURNEYS[i % JOURNEYS.length]!;
  const client = CLIENTS[i % CLIENTS.length]!;
  const tagged = i % 4 === 0 ? '?utm_source=newsletter&utm_medium=email&utm_campaign=launch' : '';
  const events = paths.map(
    (path, k): NativeEvent => ({
      uuid: randomUUID(),
      event: 'page_view',
      distinct_id: distinctId,
      session_id: `${prefix}-sess${i}`,
      timestamp: start + k * 40_000,
      properties: {
        url: `${ORIGIN}${path}${k === 0 ? tagged : ''}`,
        path,
        referrer: k === 0 ? REFERRERS[i % REFERRERS.length] : `${ORIGIN}${paths[k - 1]}`,
        user_agent: client.ua,
        screen_width: client.screen,
        plan: i % 3 === 0 ? 'pro' : 'free',
      },
    }),
  );
  return { events, country: COUNTRIES[i % COUNTRIES.length]! };
}

/**
 * The Web and Retention views in Chromium, with the demo's traffic flowing: the Web view's
 * figures and pages are the API's (over a custom range of seeded visits the live traffic does not
 * reach), a click on a page adds a filter that a new page opened from the URL reproduces, the
 * funnel takes a step filter and a breakdown, and screenshots at 1280 and 390 px.
 */
describe('the Web and Retention views in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let sightline: SightlineProcess;
  const now = Date.now();
  /** The seeded visits' hour, well before the demo's live traffic, and the hour before it. */
  const range = { from: now - 160 * MINUTE, to: now - 100 * MINUTE };

  async function send(events: NativeEvent[], country: string | null): Promise<void> {
    const res = await fetch(`${sightline.url}/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(country ? { 'x-forwarded-for': ADDRESSES[country as keyof typeof ADDRESSES] } : {}),
      },
      body: JSON.stringify({ api_key: sightline.publicKey, batch: events, sent_at: Date.now() }),
    });
    expect(res.status).toBe(200);
  }

  async function query<T>(name: string, args: Record<string, unknown>): Promise<T> {
    const res = await fetch(`${sightline.url}/v1/query/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sightline.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as T;
  }

  async function open(search: string, width = 1280): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${sightline.url}/?${search}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    return page;
  }

  const card = (page: Page, figure: string) =>
    page.locator(`[data-testid="web-${figure}"]`).getAttribute('data-value').then(Number);
  const shownPaths = (page: Page, tab = 'top') =>
    page
      .locator(`[data-testid="pages-${tab}"] [data-testid="ranked-row"]`)
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: `${SHOTS_DIR}${name}.png`, fullPage: true });
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [root('node_modules/typescript/bin/tsc'), '-b', root('packages/server')]);
    buildDashboard();
    mkdirSync(SHOTS_DIR, { recursive: true });
    [browser, sightline] = await Promise.all([
      launchChromium(),
      startSightline({
        demo: true,
        env: { SIGHTLINE_DEMO_TRAFFIC: '1', SIGHTLINE_TRUSTED_PROXIES: 'loopback' },
      }),
    ]);
    // 30 visits in the range, 12 in the previous period, and 12 visitors over the last 6 days,
    // some coming back a day or two after their first visit (the retention triangle).
    const returning = Array.from({ length: 12 }, (_, u) => {
      const first = 6 - (u % 6);
      const days = [first, ...(u % 2 === 0 ? [first - 1] : []), ...(u % 3 === 0 ? [first - 2] : [])];
      return days
        .filter((ago) => ago >= 1)
        .map((ago) => visit(u, now - ago * 86_400_000, `ret${u}d${ago}`, `ret-user${u}`));
    });
    const visits = [
      ...Array.from({ length: 30 }, (_, i) => visit(i, range.from + 5 * MINUTE + i * MINUTE, 'now')),
      ...Array.from({ length: 12 }, (_, i) => visit(i, range.from - 50 * MINUTE + i * MINUTE, 'prev')),
      ...returning.flat(),
    ];
    for (const country of COUNTRIES)
      await send(
        visits.filter((v) => v.country === country).flatMap((v) => v.events),
        country,
      );
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${sightline.url}/#key=${sightline.secretKey}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await page.close();
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await sightline?.stop();
  });

  it("shows the API's figures and pages; a click on a page filters, and the URL reproduces it", async () => {
    const search = `view=web&range=custom&from=${range.from}&to=${range.to}`;
    const page = await open(search);
    const api = await query<WebOverviewResult>('web_overview', { time_range: range });
    expect(api.sessions).toBe(30);
    expect(api.previous.sessions).toBe(12);
    for (const figure of WEB_OVERVIEW_FIGURES)
      await expect.poll(() => card(page, figure), POLL).toBeCloseTo(api[figure], 9);
    const pages = await query<PagesResult>('pages', { time_range: range, limit: 10 });
    await expect.poll(() => shownPaths(page), POLL).toEqual(pages.pages.map((p) => p.path));
    const entries = await query<PagesResult>('pages', { time_range: range, limit: 10, sort: 'entries' });
    await page.locator('[data-testid="web-pages"]').getByRole('button', { name: 'Entry' }).click();
    await expect.poll(() => shownPaths(page, 'entry'), POLL).toEqual(entries.pages.map((p) => p.path));

    await page.locator('[data-testid="pages-entry"] [data-key="/pricing"] button').click();
    const filters = [{ property: 'path', op: 'eq', value: '/pricing' }];
    await expect
      .poll(() => page.locator('[data-testid="filter-chip"]').allInnerTexts(), POLL)
      .toEqual([expect.stringContaining('Page is /pricing')]);
    const url = new URL(page.url());
    expect(url.searchParams.getAll('f')).toEqual(['path:eq:/pricing']);
    const filtered = await query<WebOverviewResult>('web_overview', { time_range: range, filters });
    expect(filtered.pageviews).toBeLessThan(api.pageviews);
    await expect.poll(() => card(page, 'pageviews'), POLL).toBe(filtered.pageviews);
    await expect.poll(() => card(page, 'sessions'), POLL).toBe(filtered.sessions);

    // The link alone, in a new page, shows the same filtered view.
    const copy = await open(`${url.searchParams}`);
    await expect.poll(() => card(copy, 'pageviews'), POLL).toBe(filtered.pageviews);
    expect(await copy.locator('[data-testid="filter-chip"]').allInnerTexts()).toEqual([
      expect.stringContaining('Page is /pricing'),
    ]);
    // A country row adds a second filter; removing the page chip leaves it.
    await copy.locator('[data-testid="countries-list"] [data-key="GB"] button').click();
    await expect
      .poll(() => new URL(copy.url()).searchParams.getAll('f'), POLL)
      .toEqual(['path:eq:/pricing', 'country:eq:GB']);
    await copy.getByRole('button', { name: 'Remove filter Page is /pricing' }).click();
    const gb = await query<WebOverviewResult>('web_overview', {
      time_range: range,
      filters: [{ property: 'country', op: 'eq', value: 'GB' }],
    });
    expect(gb.sessions).toBeGreaterThan(0);
    await expect.poll(() => card(copy, 'sessions'), POLL).toBe(gb.sessions);
    await page.close();
    await copy.close();
  }, 60_000);

  it('counts a funnel step only on events meeting its filter, and breaks the funnel down', async () => {
    const steps = [
      { event: 'page_view', filters: [{ property: 'path', op: 'eq', value: '/pricing' }] },
      { event: 'page_view', filters: [{ property: 'path', op: 'eq', value: '/signup' }] },
    ];
    const search = new URLSearchParams({
      view: 'funnel',
      range: 'custom',
      from: String(range.from),
      to: String(range.to),
      steps: JSON.stringify(steps),
      breakdown: 'plan',
    });
    const page = await open(`${search}`);
    const api = await query<FunnelResult>('funnel', { time_range: range, steps, breakdown: 'plan' });
    expect(api.steps[0]!.count).toBeGreaterThan(api.steps[1]!.count);
    const cells = () =>
      page.locator('[data-testid="funnel-result"] tbody tr td:nth-child(2)').allInnerTexts();
    await expect.poll(cells, POLL).toEqual(api.steps.map((s) => String(s.count)));
    expect(await page.locator('[data-testid="funnel-step-filter"]').allInnerTexts()).toEqual([
      expect.stringContaining('Page is /pricing'),
      expect.stringContaining('Page is /signup'),
    ]);
    const values = () =>
      page
        .locator('[data-testid="funnel-breakdown-row"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-value')));
    await expect.poll(values, POLL).toEqual((api.breakdowns ?? []).map((b) => b.value));
    // Step 2's filter removed from its chip, then written again in the step's form.
    const urlSteps = () => JSON.parse(new URL(page.url()).searchParams.get('steps') ?? 'null') as unknown;
    await page.getByRole('button', { name: 'Remove Page is /signup from step 2' }).click();
    await expect.poll(urlSteps, POLL).toEqual([steps[0], 'page_view']);
    await page.getByRole('button', { name: 'Filter step 2 (page_view)' }).click();
    await page.getByTestId('funnel-step-editor').getByTestId('filter-value').fill('/signup');
    await page.getByTestId('funnel-step-editor').getByRole('button', { name: 'Filter step' }).click();
    await expect.poll(urlSteps, POLL).toEqual(steps);
    await expect.poll(cells, POLL).toEqual(api.steps.map((s) => String(s.count)));
    await settled(page, 'funnel');
    await shot(page, 'funnel-step-filter-breakdown-1280');
    await page.close();
  }, 60_000);

  for (const width of [1280, 390]) {
    it(`shows Web and Retention with live traffic at ${width} px`, async () => {
      const errors: string[] = [];
      const page = await open('view=web', width);
      page.on('pageerror', (error) => errors.push(error.message));
      await page.locator('[data-testid="web-visitors"]').waitFor(POLL);
      await page.locator('[data-testid="countries-list"]').waitFor(POLL);
      await settled(page, 'web');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await shot(page, `web-${width}`);

      // A filter written in the bar's form: the pages list keeps only matching paths.
      await page.getByTestId('filter-add').click();
      await page.getByTestId('filter-op').selectOption('contains');
      await page.getByTestId('filter-value').fill('/docs');
      if (width < 500) await shot(page, `web-filter-editor-${width}`);
      await page.getByRole('button', { name: 'Add filter' }).click();
      await expect
        .poll(() => new URL(page.url()).searchParams.getAll('f'), POLL)
        .toEqual(['path:contains:/docs']);
      // Only the matching paths stay (their order is by views, which the live traffic may change).
      await expect
        .poll(async () => (await shownPaths(page)).sort(), POLL)
        .toEqual(['/docs', '/docs/install']);
      await settled(page, 'web');
      await shot(page, `web-filtered-${width}`);
      await page.getByRole('button', { name: 'Remove filter Page contains /docs' }).click();
      await expect.poll(() => page.locator('[data-testid="filter-chip"]').count(), POLL).toBe(0);

      await showView(page, 'view=retention&period=day');
      const api = await query<RetentionResult>('retention', { period: 'day' });
      const sizes = () =>
        page
          .locator('[data-testid="retention-cohort"]')
          .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-size'))));
      // Today's cohort grows with the live traffic; the earlier ones are the seeded visitors.
      const past = api.cohorts.slice(0, -1).map((c) => c.size);
      expect(past.some((n) => n > 0)).toBe(true);
      await expect.poll(async () => (await sizes()).slice(0, -1), POLL).toEqual(past);
      // Retention counts its own periods: no time range to pick that would not apply.
      expect(await page.locator('.range-picker').count()).toBe(0);
      await settled(page, 'retention');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await shot(page, `retention-${width}`);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  }
});
