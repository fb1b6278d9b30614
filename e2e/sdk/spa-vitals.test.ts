import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type PerformanceResult, WEB_VITALS, webVitalRating } from '@sightline/schema';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../packages/server/src/app.js';
import { exportAll, startTestApp } from '../../packages/server/test/support/app.js';
import { buildDashboard, screenshot, settled } from '../dashboard/support/dashboard-page.js';
import { launchChromium } from '../support/browser.js';
import { SNIPPET } from './support/test-site.js';

/**
 * A single-page app in Chromium with the script-tag SDK against an in-process server: the first
 * route's load vitals stay with it, the route reached by pushState reports only its own INP and
 * CLS, and the performance query and view show them per path (screenshots at 1280 and 390 px in
 * e2e/artifacts/dashboard/performance-vitals-*.png).
 */

const BUNDLE = fileURLToPath(new URL('../../packages/sdk/dist/sightline.iife.js', import.meta.url));
/** The second route's button keeps the main thread busy this long: an INP that is its own. */
const SLOW_CLICK_MS = 300;

const spaPage = (key: string, host: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>SPA</title>
<script>${SNIPPET}
sightline.init(${JSON.stringify({ key, host, flushInterval: 200 })});</script>
<script async src="/sightline.iife.js"></script>
<style>body{margin:0;font:16px sans-serif} h1{font-size:48px} .hero{height:320px;background:#c7d2fe}</style>
</head><body><main id="app"><h1>Home</h1><div class="hero">A large first paint</div>
<button id="to-second">Second page</button></main>
<script>
  const main = document.getElementById('app');
  document.getElementById('to-second').addEventListener('click', () => {
    history.pushState({}, '', '/app/second');
    main.innerHTML = '<h1>Second</h1><p id="status">ready</p><button id="slow">Busy</button>';
    document.getElementById('slow').addEventListener('click', () => {
      const until = performance.now() + ${SLOW_CLICK_MS};
      while (performance.now() < until) {}
      document.getElementById('status').textContent = 'done';
    });
  });
</script></body></html>`;

async function startSpaSite(app: RunningSightline) {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    if (path === '/sightline.iife.js')
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(BUNDLE));
    else if (path.startsWith('/app'))
      response
        .writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
        .end(spaPage(app.keys.publicKey, app.url));
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Headless Chromium never hides a page: the tab switch is emulated with real visibilitychange events. */
const hideTab = (page: Page) =>
  page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    Object.defineProperty(document, 'hidden', { value: true, configurable: true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
  });

const UA = {
  desktop:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  mobile:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
};

/** SDK-shaped reports of other visitors, so the view has paths, devices and every rating to show. */
function otherVisitors(): unknown[] {
  const events: unknown[] = [];
  const start = Date.now() - 30 * 60_000;
  for (let i = 0; i < 60; i++) {
    const device = i % 3 === 0 ? 'mobile' : 'desktop';
    const path = ['/app', '/app/second', '/pricing', '/docs/getting-started/install'][i % 4]!;
    const report = (event: string, properties: object, at: number) =>
      events.push({
        uuid: randomUUID(),
        event,
        distinct_id: `visitor-${i}`,
        session_id: `visit-${i}`,
        timestamp: start + i * 20_000 + at,
        properties: { url: `https://shop.example${path}`, path, user_agent: UA[device], ...properties },
      });
    const id = `pv-${i}`;
    const slow = device === 'mobile' ? 1.8 : 1;
    report('page_performance', { page_view_id: id, page_load_time: Math.round((900 + i * 70) * slow) }, 0);
    report(
      'web_vitals',
      {
        page_view_id: id,
        lcp: Math.round((1200 + ((i * 373) % 3600)) * slow),
        fcp: Math.round((600 + ((i * 211) % 2200)) * slow),
        ttfb: Math.round((120 + ((i * 97) % 1400)) * slow),
        inp: 40 + ((i * 53) % 600),
        cls: ((i * 7) % 35) / 100,
      },
      5000,
    );
  }
  return events;
}

describe('web vitals of a single-page app, from Chromium to the performance view', () => {
  let browser: Browser;
  let app: RunningSightline;
  let site: Awaited<ReturnType<typeof startSpaSite>>;

  const query = async (args: object): Promise<PerformanceResult> => {
    const res = await fetch(`${app.url}/v1/query/performance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as PerformanceResult;
  };

  beforeAll(async () => {
    execFileSync(process.execPath, [
      fileURLToPath(new URL('../../packages/sdk/scripts/build.mjs', import.meta.url)),
    ]);
    buildDashboard();
    [browser, app] = await Promise.all([launchChromium(), startTestApp()]);
    site = await startSpaSite(app);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await app?.close();
  });

  it('keeps LCP, FCP and TTFB with the load; the pushState route reports its own INP and CLS', {
    timeout: 120_000,
  }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${site.url}/app`);
    await page.waitForFunction(
      () =>
        typeof (window as { sightline?: { getSessionId?: unknown } }).sightline?.getSessionId === 'function',
    );
    await page.waitForTimeout(500);
    await page.click('#to-second');
    await page.waitForURL(`${site.url}/app/second`);
    await page.waitForTimeout(300);
    await page.click('#slow');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'done');
    // The first route's report leaves a second after the route change; hiding sends the second's.
    await page.waitForTimeout(1500);
    await hideTab(page);

    let events: Array<Record<string, unknown>> = [];
    const vitalsOf = (path: string) =>
      events
        .filter((e) => e['event'] === 'web_vitals' && e['path'] === path)
        .map((e) => e['properties'] as Record<string, unknown>);
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
      events = await exportAll(app);
      if (vitalsOf('/app').length > 0 && vitalsOf('/app/second').length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await context.close();

    const named = (name: string) => events.filter((e) => e['event'] === name);
    expect(named('page_view').map((e) => e['path'])).toEqual(['/app', '/app/second']);
    const [load] = named('page_performance').map((e) => e['properties'] as Record<string, unknown>);
    expect(named('page_performance').map((e) => e['path'])).toEqual(['/app']);
    const [first] = vitalsOf('/app');
    const second = vitalsOf('/app/second');
    console.log(`first route: ${JSON.stringify(first)}\nsecond route: ${JSON.stringify(second)}`);

    // The load: its vitals and its page view id, the same on page_performance and web_vitals.
    for (const metric of ['lcp', 'fcp', 'ttfb']) expect(first?.[metric], metric).toEqual(expect.any(Number));
    expect(first?.['page_view_id']).toBe(load?.['page_view_id']);
    // The route: its own page view, its slow click, no load vitals in any of its events.
    expect(second.length).toBeGreaterThanOrEqual(1);
    expect(second[0]!['page_view_id']).not.toBe(first?.['page_view_id']);
    expect(second.at(-1)!['inp']).toBeGreaterThanOrEqual(SLOW_CLICK_MS - 50);
    expect(second.at(-1)!['cls']).toEqual(expect.any(Number));
    for (const event of events.filter((e) => e['path'] === '/app/second')) {
      for (const metric of ['lcp', 'fcp', 'ttfb'])
        expect(event['properties'], `${event['event']} ${metric}`).not.toHaveProperty(metric);
    }

    const result = await query({ time_range: '1h' });
    const byPath = new Map(result.pages.map((p) => [p.path, p]));
    expect(byPath.get('/app')?.vitals.lcp.samples).toBe(1);
    expect(byPath.get('/app/second')?.vitals.lcp.samples).toBe(0);
    expect(byPath.get('/app/second')?.vitals.inp).toMatchObject({ samples: 1 });
    expect(byPath.get('/app/second')!.vitals.inp.p75).toBeGreaterThanOrEqual(SLOW_CLICK_MS - 50);
  });

  it('shows every path with p75 in its rating colour and the shares, at 1280 and 390 px', {
    timeout: 120_000,
  }, async () => {
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: app.keys.publicKey, batch: otherVisitors(), sent_at: Date.now() }),
    });
    expect(res.status).toBe(200);
    const result = await query({ time_range: '24h', limit: 20 });
    expect(result.devices.map((d) => d.device).sort()).toEqual(['desktop', 'mobile']);

    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 } });
      const page = await context.newPage();
      await page.goto(`${app.url}/?view=performance#key=${app.keys.secretKey}`);
      await settled(page, 'performance');
      const rows = page.locator('[data-testid="vitals-pages"] [data-testid="vitals-row"]');
      await expect.poll(() => rows.count()).toBe(result.pages.length + 1);
      // Each page's cells carry the rating the server gave its p75, and show the shares as text.
      for (const [i, pageResult] of result.pages.entries()) {
        const row = rows.nth(i + 1);
        expect(await row.locator('[data-testid="vitals-label"]').innerText()).toBe(pageResult.path);
        for (const vital of WEB_VITALS) {
          const summary = pageResult.vitals[vital];
          if (summary.samples === 0) continue;
          const cell = row.locator(`[data-testid="vital-${vital}"]`);
          expect(await cell.getAttribute('data-rating')).toBe(webVitalRating(vital, summary.p75!));
          expect(await cell.locator('[data-share="good"]').innerText()).toContain(
            String(Math.round(summary.shares.good * 100)),
          );
        }
      }
      const deviceRows = page.locator('[data-testid="vitals-devices"] [data-testid="vitals-row"]');
      expect(await deviceRows.count()).toBe(result.devices.length);
      await screenshot(page, `performance-vitals-${width}`);
      await context.close();
    }
  });
});
