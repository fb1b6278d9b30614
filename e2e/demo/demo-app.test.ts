import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMp4 } from '../../packages/server/test/demo/fixtures.js';
import { launchChromium } from '../support/browser.js';
import {
  type ExportedEvent,
  type SightlineProcess,
  startSightline,
  waitForExport,
} from '../support/sightline.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const ARTIFACTS = root('e2e/artifacts/demo');

/** A real WebM, recorded by Chromium itself from an animated canvas (MediaRecorder). */
async function recordWebm(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const g = canvas.getContext('2d')!;
    const recorder = new MediaRecorder(canvas.captureStream(25), { mimeType: 'video/webm' });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    const stopped = new Promise((resolve) => {
      recorder.onstop = resolve;
    });
    recorder.start(100);
    const start = performance.now();
    while (performance.now() - start < 1200) {
      g.fillStyle = `hsl(${Math.round(performance.now() / 5) % 360} 70% 50%)`;
      g.fillRect(0, 0, 320, 240);
      await new Promise((r) => requestAnimationFrame(r));
    }
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(chunks, { type: 'video/webm' }).arrayBuffer());
    let text = '';
    for (const b of bytes) text += String.fromCharCode(b);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

const names = (events: ExportedEvent[]) => new Set(events.map((e) => e.event));
const journeyEvents = (events: ExportedEvent[], name: string) =>
  events
    .filter((e) => e.event.startsWith('journey_') && e.properties['journey_name'] === name)
    .map((e) => e.event);

describe('the demo app in Chromium', () => {
  let sightline: SightlineProcess;
  let browser: Browser;

  beforeAll(async () => {
    // The BUILT server and demo. `npm test` builds everything first; the demo is built here only
    // when missing, since other test files read apps/demo/dist while this one runs.
    execFileSync(process.execPath, [root('node_modules/typescript/bin/tsc'), '-b', root('packages/server')]);
    if (!existsSync(root('apps/demo/dist/index.html')))
      execFileSync('npm', ['run', 'build', '-w', 'apps/demo'], { cwd: root(''), stdio: 'ignore' });
    mkdirSync(ARTIFACTS, { recursive: true });
    // No hold-out: this session must be offered the intervention.
    sightline = await startSightline({ demo: true, env: { SIGHTLINE_HOLDOUT_PERCENT: '0' } });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await sightline?.stop();
  });

  it('select, upload with progress, analyse: the page shows it and the events are stored', {
    timeout: 90_000,
  }, async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${sightline.url}/demo/`);
    await page.getByRole('heading', { name: 'Video analysis' }).waitFor();

    // A real recording, grown to 1.5 MB with an EBML Void element (which players and the analysis
    // skip), uploaded at 512 KB/s: about 3 s of progress to watch.
    const webm = await recordWebm(page);
    expect(webm.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
    const voidSize = 1536 * 1024 - webm.length - 9;
    const voidHeader = Buffer.alloc(9);
    voidHeader[0] = 0xec;
    voidHeader[1] = 0x01;
    voidHeader.writeUIntBE(voidSize, 3, 6);
    const video = Buffer.concat([webm, voidHeader, Buffer.alloc(voidSize)]);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 20,
      downloadThroughput: -1,
      uploadThroughput: 512 * 1024,
    });

    await page
      .getByTestId('file-input')
      .setInputFiles({ name: 'canvas-clip.webm', mimeType: 'video/webm', buffer: video });
    await page.getByTestId('upload-button').click();
    // Progress the browser reports, shown while it happens.
    await page.waitForFunction(() => {
      const bar = document.querySelector('[aria-label="Upload progress"]');
      const value = Number(bar?.getAttribute('aria-valuenow'));
      return value > 0 && value < 100;
    });
    await expect.poll(() => page.getByTestId('upload-progress').textContent()).toMatch(/Uploading… \d+% \(/);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-uploading.png') });

    const results = page.getByTestId('analysis-results');
    await results.waitFor({ timeout: 30_000 });
    const text = (await results.textContent()) ?? '';
    expect(text).toContain('WebM (webm)');
    expect(text).toContain('320 × 240');
    expect(text).toMatch(/V_VP[89]/);
    expect(text).toContain('✓ verified');
    // Chromium's recordings state no duration: the analysis reads the last frame's time (~1.2 s recorded).
    expect(text).toMatch(/Duration\s*[01]\.\d\d s \(to the last frame/);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-analysed.png'), fullPage: true });

    const funnel = [
      'page_view',
      'file_selected',
      'upload_started',
      'upload_progress',
      'upload_complete',
      'analysis_started',
      'analysis_complete',
    ];
    const events = await waitForExport(sightline, (all) => {
      const have = names(all);
      return (
        funnel.every((n) => have.has(n)) && journeyEvents(all, 'video_analysis').includes('journey_completed')
      );
    });
    for (const n of funnel) expect(names(events), n).toContain(n);
    expect(journeyEvents(events, 'video_upload')).toEqual([
      'journey_started',
      'journey_step',
      'journey_step',
      'journey_completed',
    ]);
    expect(journeyEvents(events, 'video_analysis')).toEqual([
      'journey_started',
      'journey_step',
      'journey_completed',
    ]);
    const complete = events.find((e) => e.event === 'analysis_complete')!;
    expect(complete.properties).toMatchObject({
      format: 'webm',
      width: 320,
      height: 240,
      checksum_verified: true,
    });
    expect(events.filter((e) => e.event === 'upload_progress').length).toBeGreaterThan(1);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('explains a file that is not a video, or too large, before uploading it', {
    timeout: 30_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${sightline.url}/demo/`);
    await page.getByTestId('file-input').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a video at all\n'.repeat(50)),
    });
    await expect
      .poll(() => page.getByTestId('error').textContent())
      .toMatch(/"notes\.txt" is not a video we can read/);
    expect(await page.getByTestId('upload-button').isDisabled()).toBe(true);

    // 201 MB without writing 201 MB: a sparse file starting like an MP4.
    const dir = mkdtempSync(join(tmpdir(), 'sightline-demo-e2e-'));
    const big = join(dir, 'huge.mp4');
    writeFileSync(big, buildMp4({ durationS: 1, width: 2, height: 2, mdatBytes: 0 }));
    truncateSync(big, 201 * 1024 * 1024);
    await page.getByTestId('file-input').setInputFiles(big);
    await expect.poll(() => page.getByTestId('error').textContent()).toMatch(/videos can be up to 200\.0 MB/);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-phone-error.png'), fullPage: true });
    await page.close();
  });

  it('an intervention from the processor appears on the page and its outcome is reported', {
    timeout: 60_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${sightline.url}/demo/`);
    await page.getByRole('heading', { name: 'Video analysis' }).waitFor();
    // Wait for the SDK's intervention stream before frustrating the page (rage clicks on the title).
    await page.waitForTimeout(500);
    for (let i = 0; i < 4; i++) await page.getByTestId('title').click({ delay: 20 });
    const banner = page.locator('.intervention');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.getAttribute('data-action')).toBe('tooltip');
    expect(((await banner.textContent()) ?? '').length).toBeGreaterThan(20);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-phone-intervention.png'), fullPage: true });
    await banner.getByRole('button', { name: 'Thanks, got it' }).click();
    await banner.waitFor({ state: 'detached' });
    const events = await waitForExport(sightline, (all) => names(all).has('$intervention_result'));
    expect(names(events)).toContain('$intervention_shown');
    expect(events.find((e) => e.event === '$intervention_result')?.properties['result']).toBe('accepted');
    await page.close();
  });
});
