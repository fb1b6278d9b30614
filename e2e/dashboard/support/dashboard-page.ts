import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const DASHBOARD_DIR = fileURLToPath(new URL('../../../apps/dashboard/', import.meta.url));
const VITE_BIN = fileURLToPath(new URL('../../../node_modules/vite/bin/vite.js', import.meta.url));
export const ARTIFACTS_DIR = fileURLToPath(new URL('../../artifacts/dashboard/', import.meta.url));

/** Builds apps/dashboard/dist, which the server serves at `/` (so the test sees the current sources). */
export function buildDashboard(): void {
  execFileSync(process.execPath, [VITE_BIN, 'build', '--logLevel', 'warn'], {
    cwd: DASHBOARD_DIR,
    stdio: 'pipe',
  });
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
