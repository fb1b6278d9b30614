import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type SightlineProcess, startSightline } from '../support/sightline.js';
import { buildDashboard, screenshot, settled, showView } from './support/dashboard-page.js';
import { type NativeEvent, SessionBuilder } from './support/traffic.js';

const BIN = fileURLToPath(new URL('../../packages/server/bin/sightline.js', import.meta.url));

/** `sightline project create` on the (stopped) data dir: a second project and its keys. */
function createProject(dataDir: string, id: string): { publicKey: string; secretKey: string } {
  const out = execFileSync(process.execPath, [BIN, 'project', 'create', id, '--data-dir', dataDir], {
    encoding: 'utf8',
  });
  const publicKey = /public key:\s+(\S+)/.exec(out)?.[1];
  const secretKey = /secret key:\s+(\S+)/.exec(out)?.[1];
  if (!publicKey || !secretKey) throw new Error(`unexpected output: ${out}`);
  return { publicKey, secretKey };
}

/** A shop's signup: 4 sessions view the form, 1 of them signs up (conversion 25 %). */
function signupTraffic(now: number): NativeEvent[] {
  return [0, 1, 2, 3].flatMap((i) => {
    const s = new SessionBuilder(`shop-${i}`, `shopper-${i}`, now - 300_000 + i * 10_000)
      .add('signup_view')
      .add('form_focus');
    if (i === 0) s.add('signup_done');
    return s.events;
  });
}

describe('project settings in the dashboard: a fresh project sets its own key funnel', () => {
  let browser: Browser;
  let sightline: SightlineProcess;
  let shop: { publicKey: string; secretKey: string };
  const contexts: BrowserContext[] = [];

  async function signedIn(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${sightline.url}/?view=overview#key=${shop.secretKey}`);
    await page.locator('[data-testid="connection-state"][data-state="open"]').waitFor();
    return page;
  }

  beforeAll(async () => {
    buildDashboard();
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-settings-e2e-'));
    shop = createProject(dataDir, 'shop');
    [browser, sightline] = await Promise.all([launchChromium(), startSightline({ dataDir })]);
    const res = await fetch(`${sightline.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: shop.publicKey, batch: signupTraffic(Date.now()) }),
    });
    expect(res.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await sightline?.stop();
  });

  it("shows 'set your key funnel' instead of 0 %, at 1280 and 390 px", async () => {
    for (const width of [1280, 390]) {
      const page = await signedIn(width);
      await settled(page, 'overview');
      const conversion = page.locator('[data-testid="stat-conversion"]');
      expect(await conversion.locator('.stat-value').innerText()).toBe('—');
      expect(await conversion.innerText()).toContain('Set your key funnel');
      expect(await conversion.innerText()).not.toContain('%');
      await screenshot(page, `settings-overview-no-funnel-${width}`);
      await showView(page, 'view=drop-offs');
      await settled(page, 'drop-offs');
      expect(await page.locator('[data-testid="drop-offs-no-funnel"]').innerText()).toContain(
        'Set your key funnel',
      );
      await screenshot(page, `settings-drop-offs-no-funnel-${width}`);
    }
  });

  it('sets the key funnel through the settings view; Overview and Drop-off points then use it', async () => {
    const page = await signedIn(1280);
    await settled(page, 'overview');
    await page.locator('[data-testid="stat-conversion"] [data-testid="settings-link"]').click();
    await settled(page, 'settings');
    const add = page.locator('[data-testid="settings-funnel"] [data-testid="funnel-add-step"]');
    await expect.poll(() => add.locator('option', { hasText: 'signup_done' }).count()).toBe(1);
    await add.selectOption('signup_view');
    await add.selectOption('signup_done');
    await screenshot(page, 'settings-edit-1280');
    await page.locator('[data-testid="settings-save-funnel"]').click();
    await expect.poll(() => page.locator('[data-testid="settings-status"]').innerText()).toBe('Saved.');

    await page.getByRole('link', { name: 'Overview' }).click();
    await settled(page, 'overview');
    const conversion = page.locator('[data-testid="stat-conversion"]');
    await expect.poll(() => conversion.locator('.stat-value').innerText()).toBe('25.0%');
    expect(await conversion.innerText()).toContain('signup_view → signup_done');
    await screenshot(page, 'settings-overview-with-funnel-1280');

    await showView(page, 'view=drop-offs');
    await settled(page, 'drop-offs');
    const point = page.locator('[data-testid="drop-off"]');
    await expect.poll(() => point.count()).toBe(1);
    expect(await point.locator('h3').innerText()).toBe('signup_done');

    // At 390 px the settings view shows the saved funnel.
    const narrow = await signedIn(390);
    await showView(narrow, 'view=settings');
    await settled(narrow, 'settings');
    expect(await narrow.locator('[data-testid="settings-funnel"] .panel-hint').innerText()).toContain(
      'signup_view → signup_done',
    );
    await screenshot(narrow, 'settings-edit-390');
  });
});
