import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { type SightlineProcess, startSightline } from '../support/sightline.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const BUNDLE = root('packages/sdk/dist/sightline.iife.js');

/** A page with a button that does nothing; interventions the SDK receives are kept on window. */
const page = (key: string, host: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>dead button</title>
<script src="/sightline.iife.js"></script>
<script>
  window.received = [];
  sightline.init(${JSON.stringify({ key, host, interventions: true, flushInterval: 100 })});
  sightline.onIntervention((intervention) => {
    window.received.push(intervention);
    sightline.interventionShown(intervention.id);
  });
</script></head>
<body><button id="dead" style="width:200px;height:60px">Analyse</button></body></html>`;

async function serveSite(sightline: SightlineProcess): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/sightline.iife.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(BUNDLE));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(page(sightline.publicKey, sightline.url));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe('interventions reach the browser', () => {
  let browser: Browser;
  let sightline: SightlineProcess;
  let site: { url: string; server: Server };

  beforeAll(async () => {
    // The test runs the BUILT server; build it (incremental) and the SDK bundle if it is missing.
    execFileSync(process.execPath, [root('node_modules/typescript/bin/tsc'), '-b', root('packages/server')]);
    if (!existsSync(BUNDLE)) execFileSync(process.execPath, [root('packages/sdk/scripts/build.mjs')]);
    // No hold-out: this session must be targeted.
    sightline = await startSightline({ env: { SIGHTLINE_HOLDOUT_PERCENT: '0' } });
    site = await serveSite(sightline);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    site?.server.closeAllConnections();
    await new Promise((resolve) => site?.server.close(resolve));
    await sightline?.stop();
  });

  it('four fast clicks on a dead button bring a tooltip over SSE', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(site.url);
    await tab.waitForFunction(
      () =>
        typeof (window as { sightline?: { getSessionId?: unknown } }).sightline?.getSessionId === 'function',
    );
    for (let i = 0; i < 4; i++) await tab.click('#dead', { delay: 20 });
    await tab.waitForFunction(
      () => (window as unknown as { received: unknown[] }).received.length > 0,
      null,
      {
        timeout: 30_000,
      },
    );
    const received = await tab.evaluate(
      () => (window as unknown as { received: Array<Record<string, unknown>> }).received,
    );
    expect(received[0]).toMatchObject({ action: 'tooltip', insight_type: 'user_at_risk' });
    expect(received[0]!['risk_factors']).toEqual(expect.arrayContaining(['rage_click']));
    expect(typeof received[0]!['message']).toBe('string');

    // The page reported it shown: the server recorded it.
    const deadline = Date.now() + 20_000;
    let shown = 0;
    while (shown === 0 && Date.now() < deadline) {
      const res = await fetch(`${sightline.url}/v1/query/interventions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sightline.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ time_range: '1h' }),
      });
      const body = (await res.json()) as { rules: Array<{ rule_id: string; targeted: { shown: number } }> };
      shown = body.rules.find((r) => r.rule_id === 'frustration_tooltip')?.targeted.shown ?? 0;
      if (shown === 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(shown).toBe(1);
    await context.close();
  });
});
