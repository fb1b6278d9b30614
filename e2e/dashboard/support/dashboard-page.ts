import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const DASHBOARD_DIR = fileURLToPath(new URL('../../../apps/dashboard/', import.meta.url));
const VITE_BIN = fileURLToPath(new URL('../../../node_modules/vite/bin/vite.js', import.meta.url));
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../artifacts/dashboard/', import.meta.url));

/**
 * Builds the dashboard from the current sources into apps/dashboard/dist, which the server serves
 * at `/`. Other test files may be serving that folder at the same moment, so it is never emptied:
 * vite writes to a temporary folder, the (hashed, so new-named) assets are copied in, and
 * index.html is replaced last by a rename.
 */
export function buildDashboard(): void {
  const staging = mkdtempSync(join(tmpdir(), 'sightline-dashboard-'));
  // Vitest sets NODE_ENV=test, which would make vite bundle React's development build.
  execFileSync(
    process.execPath,
    [VITE_BIN, 'build', '--logLevel', 'warn', '--outDir', staging, '--emptyOutDir'],
    {
      cwd: DASHBOARD_DIR,
      stdio: 'pipe',
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const dist = join(DASHBOARD_DIR, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  for (const name of readdirSync(join(staging, 'assets')))
    copyFileSync(join(staging, 'assets', name), join(dist, 'assets', name));
  copyFileSync(join(staging, 'index.html'), join(dist, 'index.html.next'));
  renameSync(join(dist, 'index.html.next'), join(dist, 'index.html'));
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
}

/** Switches view the way the tabs do (pushState), so the page is never reloaded. */
export async function showView(page: Page, search: string): Promise<void> {
  await page.evaluate((s) => {
    window.history.pushState(null, '', `/?${s}`);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, search);
}

/** Waits until the view's panels finished their first load (no spinner left). */
export async function settled(page: Page, viewId: string): Promise<void> {
  await page.locator(`[data-testid="view-${viewId}"]`).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, undefined, {
    timeout: 15_000,
  });
  // Charts animate in; let them finish before a screenshot.
  await page.waitForTimeout(1_200);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS_DIR}${name}.png`, fullPage: true });
}

/** The number in a stat card, e.g. "1,234" → 1234. */
export async function statValue(page: Page, testId: string): Promise<number> {
  const text = await page.locator(`[data-testid="${testId}"] .stat-value`).innerText();
  return Number(text.replace(/[^0-9.]/g, ''));
}
