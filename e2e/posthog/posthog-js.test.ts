import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import {
  type ExportedEvent,
  type SightlineProcess,
  startSightline,
  waitForExport,
} from '../support/sightline.js';
import { type PageServer, startPageServer } from './support/page-server.js';

/**
 * posthog-js drops events from headless or automated browsers: launchChromium already looks like a
 * desktop Chrome, and navigator.webdriver (another of posthog-js's bot signals) is switched off.
 */
const launch = (): Promise<Browser> => launchChromium(['--disable-blink-features=AutomationControlled']);

describe('posthog-js (real bundle, Chromium) against Sightline', () => {
  let sightline: SightlineProcess;
  let site: PageServer;
  let browser: Browser;
  beforeAll(async () => {
    sightline = await startSightline();
    site = await startPageServer(sightline.url, sightline.publicKey);
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await sightline?.stop();
  });

  it('stores a pageview, an autocaptured click, a rage click, a custom event and $pageleave exactly once', async () => {
    const page = await browser.newPage();
    // What posthog-js asked Sightline for (beacons included), which bodies were gzip (1f 8b), what failed.
    const requests: string[] = [];
    const gzipPaths = new Set<string>();
    const failures: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(sightline.url)) return;
      const path = new URL(req.url()).pathname;
      requests.push(`${req.method()} ${path}`);
      const body = req.postDataBuffer();
      if (body && body[0] === 0x1f && body[1] === 0x8b) gzipPaths.add(path);
    });
    page.on('response', (res) => {
      if (res.url().startsWith(sightline.url) && res.status() !== 200)
        failures.push(`${res.status()} ${res.url()}`);
    });
    await page.goto(`${site.url}/`);
    // Autocapture starts once the remote config arrived (it carries autocapture_opt_out: false).
    await page.waitForFunction(() => {
      const ph = (window as unknown as { posthog?: { autocapture?: { isEnabled?: boolean } } }).posthog;
      return ph?.autocapture?.isEnabled === true;
    });
    await page.click('#buy');
    await page.locator('#rage').click({ clickCount: 4 });
    await page.evaluate(() =>
      (window as unknown as { posthog: { capture(e: string, p: object): void } }).posthog.capture(
        'checkout_started',
        { plan: 'pro' },
      ),
    );
    await page.click('#next');
    await page.waitForURL(`${site.url}/checkout`);

    const isBuyClick = (e: ExportedEvent) =>
      e.event === '$autocapture' && String(e.properties['$elements_chain']).includes('attr__id="buy"');
    const pageViews = (events: ExportedEvent[]) => events.filter((e) => e.event === 'page_view');
    const named = (events: ExportedEvent[], name: string) => events.filter((e) => e.event === name);
    const events = await waitForExport(
      sightline,
      (all) =>
        pageViews(all).length >= 2 &&
        all.some(isBuyClick) &&
        named(all, '$rageclick').length >= 1 &&
        named(all, 'checkout_started').length >= 1 &&
        named(all, '$pageleave').length >= 1,
    );

    const home = pageViews(events).filter((e) => e.path === '/');
    expect(home).toHaveLength(1);
    expect(pageViews(events).filter((e) => e.path === '/checkout')).toHaveLength(1);
    expect(events.filter(isBuyClick)).toHaveLength(1);
    expect(named(events, '$rageclick')).toHaveLength(1);
    expect(named(events, 'checkout_started')).toHaveLength(1);
    expect(named(events, '$pageleave')).toHaveLength(1);
    expect(new Set(events.map((e) => e.uuid)).size).toBe(events.length);

    const view = home[0]!;
    expect(view.url).toBe(`${site.url}/`);
    expect(view.browser).toBe('Chrome');
    expect(view.session_id).not.toBe('');
    expect(view.properties['$current_url']).toBe(`${site.url}/`);
    expect(view.properties).not.toHaveProperty('token');
    // One visitor, one session, across both pages and every event.
    expect(new Set(events.map((e) => e.distinct_id)).size).toBe(1);
    expect(new Set(events.map((e) => e.session_id))).toEqual(new Set([view.session_id]));
    expect(named(events, 'checkout_started')[0]!.properties).toMatchObject({ plan: 'pro' });
    expect(requests).toContain(`GET /array/${sightline.publicKey}/config.js`);
    expect(failures).toEqual([]);
    // The remote config switched posthog-js to gzip and to the endpoint it names.
    expect(gzipPaths.size).toBeGreaterThan(0);
    expect(requests).toContain('POST /i/v0/e/');
    expect(requests.some((r) => /^GET \/static\/[\d.]+\/dead-clicks-autocapture\.js$/.test(r))).toBe(true);
    await page.close();
  });
});
