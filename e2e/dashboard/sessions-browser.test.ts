import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SessionsResult } from '@sightline/schema';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type SightlineProcess, startSightline } from '../support/sightline.js';
import { buildDashboard, screenshot, settled, showView } from './support/dashboard-page.js';
import { demoSession, sendEvents, simulatedTraffic } from './support/traffic.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** More sessions than two pages of the list (50 rows each), so "Load more" has a third to fetch. */
const SESSIONS = 130;
/** Live results arrive within a push or two; generous for a busy machine. */
const POLL = { timeout: 15_000 };

/**
 * The sessions view in Chromium against the built server: the total is the API's, a session id
 * typed into the search box finds that session, "Load more" appends the next page by cursor, and
 * the chosen session stays chosen while new sessions arrive.
 */
describe('the sessions list in Chromium', () => {
  let browser: Browser;
  let sightline: SightlineProcess;
  const contexts: BrowserContext[] = [];

  const query = async (args: Record<string, unknown>): Promise<SessionsResult> => {
    const res = await fetch(`${sightline.url}/v1/query/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sightline.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as SessionsResult;
  };

  async function sessionsPage(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${sightline.url}/#key=${sightline.secretKey}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await showView(page, 'view=sessions');
    await page.locator('[data-testid="session-list"]').waitFor({ timeout: 15_000 });
    await settled(page, 'sessions');
    return page;
  }

  const shownIds = (page: Page) =>
    page
      .locator('[data-testid="session-list"] tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-session-id') ?? ''));
  const shownTotal = async (page: Page) =>
    Number(await page.locator('[data-testid="session-total"]').getAttribute('data-total'));

  beforeAll(async () => {
    // The built server (the `sightline` command runs dist/) and dashboard, from the current sources.
    execFileSync(process.execPath, [root('node_modules/typescript/bin/tsc'), '-b', root('packages/server')]);
    buildDashboard();
    [browser, sightline] = await Promise.all([launchChromium(), startSightline()]);
    await sendEvents(sightline, simulatedTraffic(Date.now() - 5 * 60_000, SESSIONS, 90 * 60_000));
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await sightline?.stop();
  });

  it("shows the API's total, and load more appends the API's next page", async () => {
    const page = await sessionsPage(1280);
    const api = await query({ time_range: '24h' });
    expect(api.total).toBe(SESSIONS);
    await expect.poll(() => shownTotal(page), POLL).toBe(api.total);
    expect(await page.locator('[data-testid="session-total"]').innerText()).toContain(`${SESSIONS} sessions`);
    const first = await shownIds(page);
    expect(first).toEqual(api.sessions.map((s) => s.session_id));

    await page.getByTestId('session-load-more').click();
    const second = await query({ time_range: '24h', cursor: api.next_cursor });
    await expect
      .poll(() => shownIds(page), POLL)
      .toEqual([...first, ...second.sessions.map((s) => s.session_id)]);
    await page.getByTestId('session-load-more').click();
    await expect.poll(async () => (await shownIds(page)).length, POLL).toBe(SESSIONS);
    expect(new Set(await shownIds(page)).size).toBe(SESSIONS);
    // The last page is in: nothing more to load.
    expect(await page.getByTestId('session-load-more').count()).toBe(0);
    await settled(page, 'sessions');
    await screenshot(page, 'sessions-list-1280');
  });

  it('a session id typed into the search box finds that session', async () => {
    const page = await sessionsPage(1280);
    // The oldest session: far below the first page.
    const oldest = 'sess-sim0';
    expect(await shownIds(page)).not.toContain(oldest);
    await page.getByTestId('session-search').fill(oldest.toUpperCase());
    await expect.poll(() => shownIds(page), POLL).toEqual([oldest]);
    expect(await shownTotal(page)).toBe(1);
    expect(new URL(page.url()).searchParams.get('q')).toBe(oldest.toUpperCase());
    // A part of a distinct id finds every session of that user.
    await page.getByTestId('session-search').fill('user-sim12');
    const api = await query({ time_range: '24h', search: 'user-sim12' });
    expect(api.total).toBeGreaterThan(1);
    await expect.poll(() => shownIds(page), POLL).toEqual(api.sessions.map((s) => s.session_id));
    await page.getByTestId('session-search').fill(oldest);
    await expect.poll(() => shownIds(page), POLL).toEqual([oldest]);
    await page.locator(`[data-session-id="${oldest}"]`).click();
    await page.locator('[data-testid="timeline-event"]').first().waitFor({ timeout: 15_000 });
    await settled(page, 'sessions');
    await screenshot(page, 'sessions-list-search-1280');
  });

  it('keeps the chosen session while new sessions arrive, and fits 390 px', async () => {
    const page = await sessionsPage(390);
    await page.getByTestId('session-load-more').click();
    await expect.poll(async () => (await shownIds(page)).length, POLL).toBeGreaterThanOrEqual(100);
    const chosen = (await shownIds(page))[70] as string;
    await page.locator(`[data-session-id="${chosen}"]`).click();
    await page.locator('[data-testid="timeline-event"]').first().waitFor({ timeout: 15_000 });
    const before = await shownTotal(page);
    // New sessions, one every 300 ms, while the list is open with two pages loaded.
    for (let i = 0; i < 8; i++) {
      await sendEvents(sightline, demoSession(`live${i}`, Date.now() - 20_000, { reach: 2 }));
      await page.waitForTimeout(300);
    }
    await expect.poll(() => shownTotal(page), { timeout: 10_000 }).toBe(before + 8);
    const ids = await shownIds(page);
    expect(ids.slice(0, 8).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `sess-live${i}`).sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(108);
    expect(await page.locator('tr.selected').getAttribute('data-session-id')).toBe(chosen);
    expect(new URL(page.url()).searchParams.get('session')).toBe(chosen);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await settled(page, 'sessions');
    await screenshot(page, 'sessions-list-390');
    await page.evaluate(() => window.scrollTo({ top: 0 }));
    await page.getByText('More filters').click();
    await screenshot(page, 'sessions-list-filters-390');
  });
});
