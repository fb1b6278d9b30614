import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type ExportedEvent, startSightline, waitForExport } from '../support/sightline.js';
import { SNIPPET, startTestSite } from './support/test-site.js';

const UPLOAD_BYTES = 12 * 1024 * 1024;

const sdkReady = (page: Page) =>
  page.waitForFunction(() => typeof window.sightline?.getSessionId === 'function');

/**
 * Headless Chromium never hides a page (tab switches and minimising keep it "visible"), so the
 * tab switch is emulated: the document reports hidden/visible and receives real visibilitychange events.
 */
async function switchTabAwayAndBack(page: Page) {
  await page.evaluate(async () => {
    const set = (state: 'hidden' | 'visible') => {
      Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
      Object.defineProperty(document, 'hidden', { value: state === 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    };
    set('hidden');
    await new Promise((resolve) => setTimeout(resolve, 300));
    set('visible');
    // Back to the browser's own values, so the real unload later behaves as usual.
    delete (document as { visibilityState?: unknown }).visibilityState;
    delete (document as { hidden?: unknown }).hidden;
  });
}

declare global {
  interface Window {
    sightline: { getSessionId?: () => string; track(event: string, properties?: object): void };
  }
}

describe('@sightline/sdk in Chromium against a real Sightline server', () => {
  let browser: Browser;
  const cleanups: Array<() => Promise<unknown>> = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [
      fileURLToPath(new URL('../../packages/sdk/scripts/build.mjs', import.meta.url)),
    ]);
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('uses the snippet the README documents', () => {
    const readme = readFileSync(
      fileURLToPath(new URL('../../packages/sdk/README.md', import.meta.url)),
      'utf8',
    );
    expect(readme).toContain(SNIPPET);
  });

  it('delivers every event of the SDK plugins, journeys and uploads from the script tag, each exactly once', {
    timeout: 120_000,
  }, async () => {
    const sightline = await startSightline();
    cleanups.push(() => sightline.stop());
    const site = await startTestSite(sightline);
    cleanups.push(() => site.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    cleanups.push(() => context.close());
    const page = await context.newPage();

    await page.goto(site.url);
    await sdkReady(page);

    // Scroll to the bottom in steps: 25/50/75/100 once each.
    for (let i = 0; i < 6; i++) {
      await page.mouse.wheel(0, 800);
      await page.waitForTimeout(150);
    }
    await page.waitForFunction(() => scrollY + innerHeight >= document.documentElement.scrollHeight - 2);
    await page.mouse.wheel(0, -5000);
    await page.waitForFunction(() => scrollY === 0);

    await page.click('#cta');
    await page.fill('#email', 'typed-secret-value');
    await page.click('#email');
    await page.click('#rage', { clickCount: 1 });
    await page.click('#rage', { clickCount: 1 });
    await page.click('#rage', { clickCount: 1 });
    await page.click('#nothing');
    await page.waitForTimeout(1300);

    await switchTabAwayAndBack(page);

    await page.click('#checkout');
    await page.click('#pay');

    await page.setInputFiles('#video', {
      name: 'holiday-video-in-the-mountains.mp4',
      mimeType: 'video/mp4',
      buffer: Buffer.alloc(UPLOAD_BYTES, 7),
    });
    await page.waitForFunction(
      () => document.getElementById('upload-status')?.textContent?.startsWith('done'),
      null,
      {
        timeout: 60_000,
      },
    );
    expect(await page.textContent('#upload-status')).toMatch(/^done 200 \{"bytes":\d+\}$/);

    await Promise.all([page.waitForURL(`${site.url}/next`), page.click('#leave')]);
    await sdkReady(page);

    const events = await waitForExport(
      sightline,
      (all) =>
        all.some((e) => e.event === 'journey_abandoned') &&
        all.some((e) => e.event === 'stub_queued' && e.path === '/next') &&
        all.some((e) => e.event === 'engagement_summary'),
    );
    const named = (name: string, where: (e: ExportedEvent) => boolean = () => true) =>
      events.filter((e) => e.event === name && where(e));
    const onHome = (e: ExportedEvent) => e.path === '/';

    // Exactly once: the server deduplicates by uuid whatever the SDK resent.
    expect(new Set(events.map((e) => e.uuid)).size).toBe(events.length);
    expect(new Set(events.map((e) => e.session_id)).size).toBe(1);
    expect(new Set(events.map((e) => e.distinct_id)).size).toBe(1);
    for (const e of events) expect(e.properties['$lib']).toBe('sightline-js');

    expect(named('stub_queued').map((e) => e.properties['page'])).toEqual(['Video analysis', 'Next']);
    expect(named('page_view').map((e) => [e.path, e.properties['title'], e.referrer])).toEqual([
      ['/', 'Video analysis', ''],
      ['/next', 'Next', `${site.url}/`],
    ]);
    const [performance] = named('page_performance', onHome);
    expect(named('page_performance', onHome)).toHaveLength(1);
    for (const metric of ['page_load_time', 'dom_ready_time', 'time_to_interactive', 'ttfb', 'fcp'])
      expect(performance!.properties[metric], metric).toEqual(expect.any(Number));
    expect(named('web_vitals', onHome)).toHaveLength(1);

    expect(named('scroll_depth').map((e) => [e.path, e.properties['scroll_percent']])).toEqual([
      ['/', 25],
      ['/', 50],
      ['/', 75],
      ['/', 100],
    ]);

    const cta = named('user_click', (e) => e.properties['element_id'] === 'cta');
    expect(cta).toHaveLength(1);
    expect(cta[0]!.properties).toMatchObject({
      element_tag: 'button',
      element_class: 'btn primary',
      selector: 'button#cta',
      click_x: expect.any(Number),
      click_y: expect.any(Number),
    });
    expect(named('user_click', (e) => e.properties['element_id'] === 'rage')).toHaveLength(3);
    expect(named('rage_click').map((e) => [e.properties['click_count'], e.properties['selector']])).toEqual([
      [3, 'button#rage'],
    ]);
    expect(named('dead_click').map((e) => e.properties['selector'])).toEqual(['div#nothing']);
    const sent = JSON.stringify(events);
    expect(sent).not.toContain('typed-secret-value');
    expect(sent).not.toContain('secret@example.com');

    expect(named('tab_hidden')).toHaveLength(1);
    expect(named('tab_visible')).toHaveLength(1);
    expect(named('tab_visible')[0]!.properties['time_on_page']).toBeGreaterThan(
      named('tab_hidden')[0]!.properties['time_on_page'] as number,
    );

    expect(named('file_selected').map((e) => e.properties)).toMatchObject([
      {
        file_size: UPLOAD_BYTES,
        file_type: 'video/mp4',
        file_name: 'holiday-video-in-the',
        video_id: 'vid-1',
      },
    ]);
    expect(named('upload_started')).toHaveLength(1);
    const progress = named('upload_progress').map((e) => e.properties);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    const percents = progress.map((p) => p['progress_percent'] as number);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(new Set(percents.map((p) => Math.floor(p / 10))).size).toBe(percents.length);
    for (const p of progress) {
      expect(p['bytes_loaded']).toBeLessThanOrEqual(p['bytes_total'] as number);
      expect(p['bytes_total']).toBeGreaterThan(UPLOAD_BYTES);
      expect(p['elapsed_time']).toEqual(expect.any(Number));
      expect(p['estimated_remaining']).toEqual(expect.any(Number));
    }
    expect(named('upload_complete').map((e) => e.properties['status'])).toEqual([200]);
    expect(named('upload_complete')[0]!.properties['upload_duration']).toBeGreaterThan(500);

    expect(
      named('journey_completed').map((e) => [e.properties['journey_name'], e.properties['journey_path']]),
    ).toEqual([['video_upload', 'file_selected -> upload_started -> upload_complete']]);
    expect(
      named('journey_step', (e) => e.properties['journey_name'] === 'checkout').map((e) => e.properties),
    ).toMatchObject([{ step: 'payment', previous_step: 'cart', step_duration: expect.any(Number) }]);
    expect(named('journey_abandoned').map((e) => e.properties)).toMatchObject([
      {
        journey_name: 'checkout',
        abandon_step: 'payment',
        abandon_reason: 'page_exit',
        steps_completed: 2,
        journey_path: 'cart -> payment',
      },
    ]);
    expect(named('engagement_summary', onHome).length).toBeGreaterThanOrEqual(1);
    const engagement = named('engagement_summary', onHome).at(-1)!.properties;
    expect(engagement['click_events']).toEqual(expect.any(Number));
    expect(engagement['mouse_movements']).toEqual(expect.any(Number));
  });

  it('keeps events while the server is down and delivers them once it is back', {
    timeout: 120_000,
  }, async () => {
    const first = await startSightline();
    const site = await startTestSite(first);
    cleanups.push(() => site.close());
    const context = await browser.newContext();
    cleanups.push(() => context.close());
    const page = await context.newPage();
    await page.goto(site.url);
    await sdkReady(page);
    await waitForExport(first, (all) => all.some((e) => e.event === 'page_view'));
    await first.stop();

    await page.evaluate(() => {
      for (let n = 1; n <= 3; n++) window.sightline.track('while_down', { n });
    });
    await page.waitForTimeout(1500);
    // A new page while the server is still down: the events wait in localStorage.
    await Promise.all([page.waitForURL(`${site.url}/next`), page.click('#leave')]);
    await sdkReady(page);
    await page.evaluate(() => window.sightline.track('while_down', { n: 4 }));
    await page.waitForTimeout(1000);

    const second = await startSightline({
      dataDir: first.dataDir,
      port: first.port,
      publicKey: first.publicKey,
      secretKey: first.secretKey,
    });
    cleanups.push(() => second.stop());
    const events = await waitForExport(
      second,
      (all) => all.filter((e) => e.event === 'while_down').length >= 4,
      60_000,
    );
    expect(
      events
        .filter((e) => e.event === 'while_down')
        .map((e) => e.properties['n'])
        .sort(),
    ).toEqual([1, 2, 3, 4]);
    expect(events.filter((e) => e.event === 'page_view').map((e) => e.path)).toEqual(['/', '/next']);
    expect(new Set(events.map((e) => e.uuid)).size).toBe(events.length);
  });
});
