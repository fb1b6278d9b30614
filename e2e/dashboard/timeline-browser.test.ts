import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InterventionsResult, SessionTimelineResult } from '@sightline/schema';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHeldOut } from '../../packages/server/src/processor/intervention-rules.js';
import {
  createRng,
  generateSession,
  type SimulatedSession,
} from '../../packages/server/src/simulate/index.js';
import { launchChromium } from '../support/browser.js';
import { type SightlineProcess, startSightline } from '../support/sightline.js';
import { ARTIFACTS_DIR, buildDashboard, screenshot, settled, showView } from './support/dashboard-page.js';
import { sendEvents } from './support/traffic.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/**
 * Half the sessions held out, so within one test run one rule (errors, in most sessions) has enough
 * key journeys in both groups for a verdict while another (rage clicks, in few) has not.
 */
const HOLDOUT_PERCENT = 50;
const SESSIONS = 160;
const FRICTION = { errors: 0.8, rageClicks: 0.15, stalls: 0.05, abandon: 0.3 };

/** The demo traffic: the simulator's seeded visits to the demo app, all started and ended in the last 70 minutes. */
function demoTraffic(now: number): SimulatedSession[] {
  const rng = createRng(15);
  const first = now - 70 * 60_000;
  return Array.from({ length: SESSIONS }, (_, i) =>
    generateSession(rng, first + i * 15_000, { friction: FRICTION, origin: 'https://demo.example' }),
  );
}

const hasEvent = (session: SimulatedSession, name: string) => session.events.some((e) => e.event === name);

describe('the session timeline and the interventions comparison in Chromium', () => {
  let browser: Browser;
  let sightline: SightlineProcess;
  let story: SimulatedSession;
  const contexts: BrowserContext[] = [];

  const query = async <T>(name: string, args: unknown): Promise<T> => {
    const res = await fetch(`${sightline.url}/v1/query/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sightline.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  };

  async function signedIn(width: number, search: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: width < 500 ? 844 : 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${sightline.url}/#key=${sightline.secretKey}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    await showView(page, search);
    return page;
  }

  beforeAll(async () => {
    execFileSync(process.execPath, [root('node_modules/typescript/bin/tsc'), '-b', root('packages/server')]);
    buildDashboard();
    [browser, sightline] = await Promise.all([
      launchChromium(),
      startSightline({ env: { SIGHTLINE_HOLDOUT_PERCENT: String(HOLDOUT_PERCENT) } }),
    ]);
    const sessions = demoTraffic(Date.now());
    // A session with an error and an upload that got its intervention (not held out).
    story = sessions.find(
      (s) =>
        hasEvent(s, 'error') && hasEvent(s, 'upload_started') && !isHeldOut(s.sessionId, HOLDOUT_PERCENT),
    )!;
    expect(story).toBeDefined();
    for (let i = 0; i < sessions.length; i += 20)
      await sendEvents(
        sightline,
        sessions.slice(i, i + 20).flatMap((s) => s.events),
      );
    // The processor has turned the story's error into an insight and an intervention.
    for (const deadline = Date.now() + 30_000; ; ) {
      const t = await query<SessionTimelineResult>('session_timeline', { session_id: story.sessionId });
      if (t.interventions.length > 0 && t.insights.length > 0) break;
      if (Date.now() > deadline) throw new Error(`no intervention for ${story.sessionId} after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await sightline?.stop();
  });

  for (const width of [390, 1280]) {
    it(`shows the error message and the file name as text in their rows at ${width} px`, async () => {
      const page = await signedIn(width, `view=sessions&session=${encodeURIComponent(story.sessionId)}`);
      const errorRow = page.locator('[data-testid="timeline-row"][data-event="error"]').first();
      await errorRow.waitFor({ timeout: 15_000 });
      await settled(page, 'sessions');

      const message = String(story.events.find((e) => e.event === 'error')!.properties['message']);
      const fileName = String(
        story.events.find((e) => e.event === 'upload_started')!.properties['file_name'],
      );
      // Visible text of the row, not a title attribute (nothing hovers on a phone).
      expect(await errorRow.isVisible()).toBe(true);
      expect(await errorRow.innerText()).toContain(message);
      expect(await errorRow.getAttribute('title')).toBeNull();
      const uploadRow = page.locator('[data-testid="timeline-row"][data-event="upload_started"]').first();
      expect(await uploadRow.isVisible()).toBe(true);
      expect(await uploadRow.innerText()).toContain(fileName);
      // The error is marked as the friction it caused; the insight and the intervention sit in the story.
      expect(await errorRow.innerText()).toContain('error encountered');
      expect(await page.locator('[data-testid="timeline-insight"]').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-testid="timeline-intervention"]').first().innerText()).toContain(
        'offer support',
      );
      // The device once, at the top.
      const device = story.device;
      expect(await page.locator('[data-testid="timeline-client"]').innerText()).toContain(device);
      // Nothing wider than the screen: the rows wrap.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      // The timeline panel itself (on a phone the page is mostly the session list below it), its
      // list scrolled to the error, with the insight and the intervention after it.
      await errorRow.evaluate((row) => row.scrollIntoView({ block: 'start' }));
      await page
        .locator('section.panel', { has: page.locator('[data-testid="session-timeline"]') })
        .screenshot({ path: `${ARTIFACTS_DIR}timeline-${width}.png` });
    });

    it(`shows each rule's sample sizes, rates and what the difference supports at ${width} px`, async () => {
      const result = await query<InterventionsResult>('interventions', { time_range: '24h' });
      const page = await signedIn(width, 'view=interventions');
      await page.locator('[data-testid="intervention-rule"]').first().waitFor({ timeout: 15_000 });
      await settled(page, 'interventions');
      const cards = page.locator('[data-testid="intervention-rule"]');
      expect(await cards.count()).toBe(result.rules.length);
      const states: string[] = [];
      for (const [i, rule] of result.rules.entries()) {
        const card = cards.nth(i);
        expect(await card.locator('h3').innerText()).toBe(rule.rule_id);
        expect(await card.locator('[data-testid="group-targeted"]').innerText()).toContain(
          `n = ${rule.targeted.journeys} key journeys`,
        );
        expect(await card.locator('[data-testid="group-held-out"]').innerText()).toContain(
          `n = ${rule.held_out.journeys} key journeys`,
        );
        const verdict = rule.comparison.enough_data ? 'comparison-verdict' : 'not-enough-data';
        expect(await card.locator(`[data-testid="${verdict}"]`).count(), rule.rule_id).toBe(1);
        if (rule.comparison.enough_data)
          expect(await card.innerText()).toMatch(/95% CI [+−-]?\d+\.\d to [+−-]?\d+\.\d pts/);
        states.push(`${rule.rule_id}: ${rule.targeted.journeys} vs ${rule.held_out.journeys} → ${verdict}`);
      }
      console.log(`interventions at ${width} px:\n  ${states.join('\n  ')}`);
      // The traffic gives both states: a verdict, and "not enough data yet".
      expect(result.rules.some((r) => r.comparison.enough_data)).toBe(true);
      expect(result.rules.some((r) => !r.comparison.enough_data)).toBe(true);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(page, `interventions-${width}`);
    });
  }
});
