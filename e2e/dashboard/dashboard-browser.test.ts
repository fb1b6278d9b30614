import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type SightlineProcess, startSightline } from '../support/sightline.js';
import { buildDashboard, screenshot, settled, showView, statValue } from './support/dashboard-page.js';
import { demoSession, SessionBuilder, sendEvents, simulatedTraffic } from './support/traffic.js';

const XSS_NAME = '<img src=x onerror=alert(1)>';

/** Each view, the URL that shows it with data, and what appears once its data is in. */
const VIEWS = [
  { id: 'overview', search: 'view=overview', ready: '[data-testid="stat-total-events"]' },
  { id: 'funnel', search: 'view=funnel', ready: '[data-testid="funnel-result"] table' },
  { id: 'drop-offs', search: 'view=drop-offs', ready: '[data-testid="drop-off"]' },
  { id: 'flow', search: 'view=flow', ready: 'canvas' },
  { id: 'performance', search: 'view=performance', ready: '[data-testid="vitals-pages"]' },
  { id: 'journeys', search: 'view=journeys', ready: '[data-testid="journey"] canvas' },
  { id: 'insights', search: 'view=insights', ready: '[data-testid="insight"]' },
  { id: 'interventions', search: 'view=interventions', ready: '[data-testid="intervention-rule"]' },
  { id: 'sessions', search: 'view=sessions&session=sess-sim23', ready: '[data-testid="timeline-event"]' },
] as const;

describe('the dashboard in Chromium against a real server', () => {
  let browser: Browser;
  let sightline: SightlineProcess;
  const contexts: BrowserContext[] = [];
  const dialogs: string[] = [];

  /** A page of a fresh context (sessionStorage is per context) that records any dialog. */
  async function newPage(width = 1280, height = 900): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    return page;
  }

  async function signedIn(width = 1280): Promise<Page> {
    const page = await newPage(width);
    await page.goto(`${sightline.url}/#key=${sightline.secretKey}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    return page;
  }

  beforeAll(async () => {
    buildDashboard();
    [browser, sightline] = await Promise.all([launchChromium(), startSightline()]);
    const now = Date.now();
    await sendEvents(sightline, simulatedTraffic(now));
    // The hostile name, often enough to be among the top events (so it is in a chart and its tooltip).
    const xss = new SessionBuilder('sess-xss', 'user-xss', now - 120_000).pageView('/upload', 900);
    for (let i = 0; i < 40; i++) xss.add(XSS_NAME, { note: XSS_NAME }, 50);
    await sendEvents(sightline, xss.events);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await sightline?.stop();
  });

  it('signs in from the #key= link, keeps the key out of the URL, and says so when a key is wrong', async () => {
    const page = await newPage();
    await page.goto(`${sightline.url}/?view=overview#key=sl_sec_wrong`);
    await expect
      .poll(() => page.locator('[data-testid="sign-in-error"]').textContent(), { timeout: 10_000 })
      .toContain('not accepted');
    expect(page.url()).not.toContain('#key');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await screenshot(page, 'sign-in-wrong-key-1280');

    await page.getByLabel('Secret key').fill(sightline.secretKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await settled(page, 'overview');
    expect(await page.locator('.stat-label').allInnerTexts()).toEqual([
      'Total Events',
      'Unique Sessions',
      'Avg Events/Session',
      'Conversion Rate',
    ]);

    // The link form: signed in directly, the key stored for reloads and gone from the address bar.
    const linked = await signedIn();
    expect(linked.url()).toBe(`${sightline.url}/`);
    await linked.reload();
    await linked.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
  });

  for (const width of [1280, 390]) {
    it(`renders every view with data at ${width} px`, async () => {
      const page = await signedIn(width);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      for (const view of VIEWS) {
        await showView(page, view.search);
        await page
          .locator(`[data-testid="view-${view.id}"] ${view.ready}`)
          .first()
          .waitFor({ timeout: 15_000 });
        await settled(page, view.id);
        await expect(page.locator('.state-error').count()).resolves.toBe(0);
        await screenshot(page, `${view.id}-${width}`);
      }
      expect(errors).toEqual([]);
    });
  }

  it('shows empty states, not errors, on a server without data', async () => {
    const empty = await startSightline();
    try {
      const page = await newPage();
      await page.goto(`${empty.url}/#key=${empty.secretKey}`);
      await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
      for (const view of VIEWS) {
        await showView(page, view.search);
        await settled(page, view.id);
        expect(await page.locator('.state-error').count()).toBe(0);
        expect(await page.locator(`[data-testid="view-${view.id}"] .state-empty`).count()).toBeGreaterThan(0);
      }
      await showView(page, 'view=overview');
      await settled(page, 'overview');
      expect(await statValue(page, 'stat-total-events')).toBe(0);
      await screenshot(page, 'overview-empty-1280');
    } finally {
      await empty.stop();
    }
  });

  it("updates the overview's total live, without a reload, when new events arrive", async () => {
    const page = await signedIn();
    await settled(page, 'overview');
    await page.evaluate(() => {
      (window as { notReloaded?: boolean }).notReloaded = true;
    });
    const before = await statValue(page, 'stat-total-events');
    // Timestamps in the past: a preset range ends now, so a future-dated event would not count yet.
    const events = demoSession('live', Date.now() - 60_000, { reach: 6 });
    await sendEvents(sightline, events);
    await expect
      .poll(() => statValue(page, 'stat-total-events'), { timeout: 5_000 })
      .toBe(before + events.length);
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true);
  });

  it('shows an insight live after a rage-click session, and acknowledges and resolves it', async () => {
    const page = await signedIn();
    await showView(page, 'view=insights');
    await settled(page, 'insights');
    const session = new SessionBuilder('sess-rage-live', 'user-rage', Date.now() - 3_000)
      .pageView('/upload', 1000)
      .rageClicks();
    await sendEvents(sightline, session.events);

    const card = page.locator('[data-testid="insight"]', { hasText: 'sess-rage-live' }).filter({
      has: page.locator('[data-testid="risk-factor"]', { hasText: 'rage click' }),
    });
    await card.waitFor({ timeout: 10_000 });
    await screenshot(page, 'insights-live-rage-click-1280');
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => card.locator('.status').textContent()).toBe('acknowledged');
    await card.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => card.locator('.status').textContent()).toBe('resolved');
    const stored = await fetch(`${sightline.url}/v1/query/insights`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sightline.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: 'sess-rage-live' }),
    }).then((r) => r.json() as Promise<{ insights: Array<{ status: string }> }>);
    expect(stored.insights.map((i) => i.status)).toContain('resolved');
  });

  it(`renders an event named ${XSS_NAME} as text and runs nothing`, async () => {
    const page = await signedIn();
    const injected = () => page.evaluate(() => document.querySelectorAll('img[src="x"]').length);

    // Overview: a bar of the top-events chart; hover over the bars until its tooltip shows the name.
    await settled(page, 'overview');
    const chart = page.getByRole('img', { name: 'Top events' });
    const box = (await chart.boundingBox())!;
    let tooltipShown = false;
    for (let y = box.y + 8; y < box.y + box.height - 20 && !tooltipShown; y += 12) {
      await page.mouse.move(box.x + 190, y);
      await page.waitForTimeout(60);
      tooltipShown = await page.evaluate(
        (name) => [...document.querySelectorAll('.tt-title')].some((el) => el.textContent === name),
        XSS_NAME,
      );
    }
    expect(tooltipShown).toBe(true);
    expect(await injected()).toBe(0);
    await screenshot(page, 'xss-tooltip-1280');

    // Funnel: the name is a step choice.
    await showView(page, 'view=funnel');
    await settled(page, 'funnel');
    await expect(
      page.locator('[data-testid="funnel-add-step"] option', { hasText: XSS_NAME }).count(),
    ).resolves.toBe(1);
    await page.locator('[data-testid="funnel-add-step"]').selectOption(XSS_NAME);
    await page.locator('.chip-text', { hasText: XSS_NAME }).waitFor();

    // Session timeline and user flow: the name as text.
    await showView(page, 'view=sessions&session=sess-xss');
    await settled(page, 'sessions');
    await expect(page.getByText(XSS_NAME, { exact: true }).count()).resolves.toBeGreaterThan(10);
    await showView(page, 'view=flow');
    await settled(page, 'flow');
    await page.locator('.path-step', { hasText: XSS_NAME }).first().waitFor();

    expect(await injected()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  // Last: it stops the server.
  it('shows the connection state: live, then reconnecting when the server goes away', async () => {
    const page = await signedIn();
    const badge = page.locator('[data-testid="connection-state"]');
    expect(await badge.innerText()).toBe('Live');
    await sightline.stop();
    await page
      .locator('[data-testid="connection-state"][data-state="reconnecting"]')
      .waitFor({ timeout: 10_000 });
    expect(await badge.innerText()).toBe('Reconnecting…');
  });
});
