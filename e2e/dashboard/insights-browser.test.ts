import type { InsightGroupsResult, InsightsResult } from '@sightline/schema';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../packages/server/src/app.js';
import { startTestApp } from '../../packages/server/test/support/app.js';
import { launchChromium } from '../support/browser.js';
import { buildDashboard, screenshot, settled } from './support/dashboard-page.js';
import { demoSession, type NativeEvent } from './support/traffic.js';

/** Sessions of demo traffic: each rage-clicks, half hit an error, all finish or leave a journey. */
const SESSIONS = 460;
const BATCH = 1000;

describe('the insights view over more than 1,000 insights: counts from the server, grouped problems', () => {
  let browser: Browser;
  let app: RunningSightline;
  const contexts: BrowserContext[] = [];

  const send = async (events: NativeEvent[]) => {
    for (let i = 0; i < events.length; i += BATCH) {
      const res = await fetch(`${app.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          api_key: app.keys.publicKey,
          batch: events.slice(i, i + BATCH),
          sent_at: Date.now(),
        }),
      });
      expect(res.status).toBe(200);
    }
    await app.processor.drain();
  };
  const query = async <T>(name: string, args: unknown): Promise<T> => {
    const res = await fetch(`${app.url}/v1/query/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };
  async function insightsPage(width: number, search = 'view=insights'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${app.url}/?${search}#key=${app.keys.secretKey}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await settled(page, 'insights');
    return page;
  }
  const dataCount = async (page: Page, selector: string) =>
    Number(await page.locator(selector).first().getAttribute('data-count'));
  /** Every chip of a kind the view shows, as value → count. */
  const chips = (page: Page, testId: string) =>
    page.$$eval(`[data-testid="${testId}"]`, (els) =>
      Object.fromEntries(
        els.map((el) => [el.getAttribute('data-value'), Number(el.getAttribute('data-count'))]),
      ),
    );

  beforeAll(async () => {
    buildDashboard();
    [browser, app] = await Promise.all([launchChromium(), startTestApp()]);
    const start = Date.now() - 50 * 60_000;
    const events: NativeEvent[] = [];
    for (let i = 0; i < SESSIONS; i++)
      events.push(
        ...demoSession(`bulk${i}`, start + i * 5_000, {
          reach: [6, 3, 6, 1, 5][i % 5]!,
          rage: true,
          error: i % 2 === 0,
          loadMs: 800 + ((i * 537) % 4200),
        }),
      );
    await send(events);
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
  });

  it('shows the counts the API answers, at 1280 and 390 px', async () => {
    const all = await query<InsightsResult>('insights', { time_range: '24h', limit: 1 });
    console.log(`insights in the range: ${all.total} (${JSON.stringify(all.counts.by_type)})`);
    expect(all.total).toBeGreaterThan(1_000);
    const problems = await query<InsightsResult>('insights', {
      time_range: '24h',
      kind: 'problems',
      limit: 1,
    });
    const groups = await query<InsightGroupsResult>('insight_groups', { time_range: '24h' });

    for (const width of [1280, 390]) {
      const page = await insightsPage(width);
      expect(await dataCount(page, '[data-testid="insights-total"]')).toBe(problems.total);
      expect(await dataCount(page, '[data-testid="groups-total"]')).toBe(groups.total_groups);
      expect(await dataCount(page, '[data-testid="outcome-journey_completed"]')).toBe(
        groups.outcomes.find((o) => o.insight_type === 'journey_completed')!.count,
      );
      const factorChips = await chips(page, 'factor-chip');
      expect(factorChips).toEqual(
        Object.fromEntries(Object.entries(problems.counts.by_factor).filter(([, n]) => n > 0)),
      );
      const typeChips = await chips(page, 'type-chip');
      expect(typeChips).toEqual({
        user_at_risk: problems.counts.by_type['user_at_risk'],
        journey_abandoned: problems.counts.by_type['journey_abandoned'],
      });
      const statusLabels = await page
        .locator('[data-testid="insight-groups"] .segmented button')
        .allInnerTexts();
      const { open, acknowledged, resolved } = problems.counts.by_status;
      expect(statusLabels.map((l) => Number(l.replace(/[^0-9]/g, '')))).toEqual([
        open + acknowledged + resolved,
        open,
        acknowledged,
        resolved,
      ]);
      // The problems: one line each, most sessions first, as the API lists them.
      const shown = await page
        .locator('[data-testid="insight-group"]')
        .evaluateAll((els) => els.map((el) => el.getAttribute('data-problem')));
      expect(shown).toEqual(groups.groups.map((g) => g.problem));
      await screenshot(page, `insights-groups-${width}`);
    }
  });

  it('filters by a clicked chip, pages by cursor without repeats, and drills down into a group', async () => {
    const page = await insightsPage(1280);
    await page.locator('[data-testid="factor-chip"][data-value="rage_click"]').click();
    const rage = await query<InsightsResult>('insights', {
      time_range: '24h',
      kind: 'problems',
      factor: 'rage_click',
      limit: 1,
    });
    await expect
      .poll(() => dataCount(page, '[data-testid="insights-total"]'), { timeout: 10_000 })
      .toBe(rage.total);
    expect(
      await page.locator('[data-testid="factor-chip"][aria-pressed="true"]').getAttribute('data-value'),
    ).toBe('rage_click');
    expect(new URL(page.url()).searchParams.get('factor')).toBe('rage_click');
    // Every group left is a rage-click problem.
    await expect
      .poll(
        () =>
          page
            .locator('[data-testid="insight-group"]')
            .evaluateAll((els) =>
              els.every((el) => el.getAttribute('data-problem')?.includes(':rage_click:')),
            ),
        { timeout: 10_000 },
      )
      .toBe(true);

    const cards = page.locator('[data-testid="insights-feed"] [data-testid="insight"]');
    const before = await cards.count();
    await page.locator('[data-testid="insights-load-more"]').click();
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBeGreaterThan(before);
    const ids = await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-insight-id')));
    expect(new Set(ids).size).toBe(ids.length);

    const first = page.locator('[data-testid="insight-group"]').first();
    await first.locator('[data-testid="group-drill-down"]').click();
    const sessions = first.locator('[data-testid="group-session"]');
    await sessions.first().waitFor();
    const problem = (await first.getAttribute('data-problem'))!;
    const drill = await query<InsightsResult>('insights', { time_range: '24h', problem, limit: 20 });
    expect(await sessions.allInnerTexts()).toHaveLength(drill.insights.length);
    await screenshot(page, 'insights-filtered-drill-down-1280');
  });

  it('resolves a whole group, and says it re-opened when the problem comes back', async () => {
    const page = await insightsPage(1280);
    const groups = await query<InsightGroupsResult>('insight_groups', { time_range: '24h' });
    const target = groups.groups.find((g) => g.factor === 'error_encountered')!;
    const row = page.locator(`[data-testid="insight-group"][data-problem="${target.problem}"]`);
    await row.getByRole('button', { name: 'Resolve' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('resolved');
    const after = await query<InsightGroupsResult>('insight_groups', { time_range: '24h' });
    expect(after.groups.find((g) => g.problem === target.problem)).toMatchObject({
      status: 'resolved',
      open: 0,
    });

    // The same error on the same page, in a new session: open again, with the note.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await send(demoSession('comeback', Date.now() - 60_000, { reach: 6, error: true }));
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('open');
    await row.locator('[data-testid="group-reopened"]').waitFor();
    expect(await row.locator('.problem-reopened').innerText()).toContain('came back');
    await screenshot(page, 'insights-reopened-1280');
  });
});
