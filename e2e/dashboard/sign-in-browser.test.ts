import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type SightlineProcess, startSightline } from '../support/sightline.js';
import { buildDashboard, screenshot, settled, showView } from './support/dashboard-page.js';
import { demoSession, SessionBuilder, sendEvents } from './support/traffic.js';

const OPEN = '[data-testid="connection-state"][data-state="open"]';

describe('dashboard sign-in that lasts, and read-only share links, in Chromium', () => {
  let browser: Browser;
  let sightline: SightlineProcess;
  const contexts: BrowserContext[] = [];

  async function newContext(width = 1280, state?: Awaited<ReturnType<BrowserContext['storageState']>>) {
    const context = await browser.newContext({
      viewport: { width, height: 900 },
      ...(state ? { storageState: state } : {}),
    });
    contexts.push(context);
    return context;
  }

  /** A page signed in through the form, as a person would. */
  async function signedInWithForm(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${sightline.url}/`);
    await page.getByLabel('Secret key').fill(sightline.secretKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(OPEN).waitFor();
    return page;
  }

  async function openAccountMenu(page: Page): Promise<void> {
    await page.locator('[data-testid="account-menu"]').click();
  }

  beforeAll(async () => {
    buildDashboard();
    [browser, sightline] = await Promise.all([launchChromium(), startSightline()]);
    const now = Date.now();
    await sendEvents(sightline, demoSession('share-a', now - 300_000, { reach: 5 }));
    await sendEvents(
      sightline,
      new SessionBuilder('sess-rage-share', 'user-rage', now - 120_000).pageView('/upload', 900).rageClicks()
        .events,
    );
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await sightline?.stop();
  });

  it('stays signed in across tabs and a browser restart, without the key in browser storage', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${sightline.url}/`);
    await page.getByLabel('Secret key').waitFor();
    await screenshot(page, 'sign-in-1280');
    const narrow = await (await newContext(390)).newPage();
    await narrow.goto(`${sightline.url}/`);
    await narrow.getByLabel('Secret key').waitFor();
    await screenshot(narrow, 'sign-in-390');

    await page.getByLabel('Secret key').fill(sightline.secretKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(OPEN).waitFor();

    // The key is nowhere in the page's reach: not in storage, and the cookie is HttpOnly.
    const stored = await page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      cookie: document.cookie,
    }));
    expect(stored.local).not.toContain(sightline.secretKey);
    expect(stored.session).not.toContain(sightline.secretKey);
    expect(stored.cookie).toBe('');
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'sightline_session',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
    });
    expect(cookie?.value).not.toContain(sightline.secretKey);

    // A second tab of the same browser: signed in, no key asked.
    const second = await context.newPage();
    await second.goto(`${sightline.url}/?view=overview`);
    await second.locator(OPEN).waitFor();
    expect(await second.getByLabel('Secret key').count()).toBe(0);

    // The browser closed and opened again with its saved state (cookies): still signed in.
    const state = await context.storageState();
    await context.close();
    const reopened = await (await newContext(1280, state)).newPage();
    await reopened.goto(`${sightline.url}/`);
    await reopened.locator(OPEN).waitFor();
    await settled(reopened, 'overview');

    // Signing out ends it: a reload asks for the key again.
    await openAccountMenu(reopened);
    await reopened.getByRole('button', { name: 'Sign out', exact: true }).click();
    await reopened.getByLabel('Secret key').waitFor();
    await reopened.reload();
    await reopened.getByLabel('Secret key').waitFor();
  });

  it('signs in once from the #key= link and takes the key out of the address bar', async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${sightline.url}/?view=overview#key=${sightline.secretKey}`);
    await page.locator(OPEN).waitFor();
    expect(page.url()).toBe(`${sightline.url}/?view=overview`);
    await page.reload();
    await page.locator(OPEN).waitFor();
  });

  it('a share link opens a read-only dashboard without write controls; revoking it signs the viewer out', async () => {
    const ownerContext = await newContext();
    const owner = await signedInWithForm(ownerContext);
    await showView(owner, 'view=settings');
    await settled(owner, 'settings');
    const panel = owner.locator('[data-testid="share-links"]');
    await panel.locator('[data-testid="share-label"]').fill('Support team');
    await panel.locator('[data-testid="share-create"]').click();
    const link = await panel.locator('[data-testid="share-link"]').inputValue();
    expect(link).toMatch(new RegExp(`^${sightline.url}/#share=sl_ro_`));
    await panel.locator('[data-testid="share-item"]', { hasText: 'Support team' }).waitFor();
    await panel.scrollIntoViewIfNeeded();
    await screenshot(owner, 'share-links-settings-1280');

    const narrowOwner = await signedInWithForm(await newContext(390));
    await showView(narrowOwner, 'view=settings');
    await settled(narrowOwner, 'settings');
    await narrowOwner.locator('[data-testid="share-item"]').first().waitFor();
    await screenshot(narrowOwner, 'share-links-settings-390');

    // The viewer opens the link in their own browser.
    const viewerContext = await newContext(390);
    const viewer = await viewerContext.newPage();
    await viewer.goto(link.replace('/#', '/?view=insights#'));
    await viewer.locator(OPEN).waitFor();
    expect(viewer.url()).not.toContain('sl_ro_');
    await viewer.locator('[data-testid="read-only-notice"]').waitFor();
    expect(await viewer.locator('[data-testid="read-only-notice"]').innerText()).toBe('Read-only link');
    const insight = viewer.locator('[data-testid="insight"]').first();
    await insight.waitFor({ timeout: 15_000 });
    await settled(viewer, 'insights');
    for (const name of ['Acknowledge', 'Resolve', 'Reopen'])
      expect(await viewer.getByRole('button', { name, exact: true }).count()).toBe(0);
    await screenshot(viewer, 'read-only-insights-390');
    // The owner sees them.
    await showView(owner, 'view=insights');
    await owner.locator('[data-testid="insight"]').first().waitFor({ timeout: 15_000 });
    expect(await owner.getByRole('button', { name: 'Resolve', exact: true }).count()).toBeGreaterThan(0);

    await showView(viewer, 'view=settings');
    await viewer.locator('[data-testid="settings-read-only"]').waitFor();
    expect(await viewer.locator('[data-testid="settings-save-funnel"]').count()).toBe(0);
    expect(await viewer.locator('[data-testid="share-links"]').count()).toBe(0);
    await openAccountMenu(viewer);
    expect(await viewer.getByRole('button', { name: /Sign out everywhere/ }).count()).toBe(0);
    await screenshot(viewer, 'read-only-settings-390');

    // A second tab of the viewer's browser is read-only too, without the link.
    const viewerTab = await viewerContext.newPage();
    await viewerTab.goto(`${sightline.url}/`);
    await viewerTab.locator('[data-testid="read-only-notice"]').waitFor();

    // The owner revokes the link: the viewer's open dashboards are signed out at once.
    await showView(owner, 'view=settings');
    const item = owner.locator('[data-testid="share-item"]', { hasText: 'Support team' });
    await item.getByRole('button', { name: 'Revoke' }).click();
    await item.locator('.pill', { hasText: 'revoked' }).waitFor();
    await expect
      .poll(() => viewer.locator('[data-testid="sign-in-error"]').textContent(), { timeout: 10_000 })
      .toContain('ended');
    await viewerTab.locator('[data-testid="sign-in-error"]').waitFor({ timeout: 10_000 });
    // The link itself no longer opens anything.
    const again = await (await newContext()).newPage();
    await again.goto(link);
    await expect
      .poll(() => again.locator('[data-testid="sign-in-error"]').textContent(), { timeout: 10_000 })
      .toContain('share link is not valid');
  });

  it('"Sign out everywhere" signs out every browser of the project', async () => {
    const first = await signedInWithForm(await newContext());
    const second = await signedInWithForm(await newContext());
    await openAccountMenu(first);
    await first.getByRole('button', { name: 'Sign out everywhere…' }).click();
    await first.getByRole('button', { name: 'Sign out everywhere', exact: true }).click();
    await first.getByLabel('Secret key').waitFor();
    await expect
      .poll(() => second.locator('[data-testid="sign-in-error"]').textContent(), { timeout: 10_000 })
      .toContain('ended');
    await second.reload();
    await second.getByLabel('Secret key').waitFor();
  });
});
