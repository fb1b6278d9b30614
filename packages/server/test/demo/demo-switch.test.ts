import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { startBanner } from '../../src/cli/banner.js';
import { resolveConfig } from '../../src/config.js';
import { startTestApp } from '../support/app.js';

/** Every demo route: the page, its assets and redirect (app-static.ts) and its API (routes/demo.ts). */
const DEMO_REQUESTS: Array<[method: string, path: string]> = [
  ['GET', '/demo'],
  ['GET', '/demo/'],
  ['GET', '/demo/index.html'],
  ['GET', '/demo/assets/index-abc123.js'],
  ['GET', '/demo/config.json'],
  ['POST', '/demo/api/upload'],
  ['POST', '/demo/api/analyze'],
  ['GET', '/demo/api/upload'],
];

async function call(app: RunningSightline, method: string, path: string) {
  const res = await fetch(`${app.url}${path}`, {
    method,
    redirect: 'manual',
    ...(method === 'POST' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

describe('the demo switch', () => {
  let off: RunningSightline;
  let on: RunningSightline;
  beforeAll(async () => {
    [off, on] = await Promise.all([startTestApp(), startTestApp(undefined, { demo: true })]);
  });
  afterAll(async () => {
    await Promise.all([off?.close(), on?.close()]);
  });

  it('is off by default, --demo / SIGHTLINE_DEMO turn it on, the flag wins over the env', () => {
    const base = { port: '0', dataDir: '/tmp/x' };
    expect(resolveConfig(base, {}).demo).toBe(false);
    expect(resolveConfig({ ...base, demo: true }, {}).demo).toBe(true);
    expect(resolveConfig(base, { SIGHTLINE_DEMO: '1' }).demo).toBe(true);
    expect(resolveConfig(base, { SIGHTLINE_DEMO: 'off' }).demo).toBe(false);
    expect(resolveConfig({ ...base, demo: false }, { SIGHTLINE_DEMO: '1' }).demo).toBe(false);
    expect(() => resolveConfig(base, { SIGHTLINE_DEMO: 'maybe' })).toThrow(/SIGHTLINE_DEMO must be 1 or 0/);
  });

  it('off: every demo route is a 404 not_found, like an unknown route; the rest still works', async () => {
    for (const [method, path] of DEMO_REQUESTS) {
      const { status, body } = await call(off, method, path);
      expect(status, `${method} ${path}`).toBe(404);
      expect(body['error'], `${method} ${path}`).toBe('not_found');
      expect(body['message']).toBe(`no route for ${method} ${path}`);
    }
    expect((await fetch(`${off.url}/healthz`)).status).toBe(200);
  });

  it('on: the demo routes answer (config, redirect, upload API)', async () => {
    const config = await call(on, 'GET', '/demo/config.json');
    expect(config).toEqual({ status: 200, body: { key: on.keys.publicKey, host: on.url } });
    expect((await call(on, 'GET', '/demo')).status).toBe(308);
    // The API is there: an empty analyze request is refused for its arguments, not as unknown.
    expect(await call(on, 'POST', '/demo/api/analyze')).toMatchObject({
      status: 400,
      body: { error: 'invalid_arguments' },
    });
    expect((await call(on, 'GET', '/demo/api/upload')).status).toBe(405);
  });

  it('the start banner shows the demo lines only when the demo is on', () => {
    const offBanner = startBanner(off, resolveConfig({ port: '0' }, {}));
    expect(offBanner).not.toMatch(/demo app:|demo traffic:/);
    expect(offBanner).toContain(`dashboard:   ${off.url}/#key=`);
    const onBanner = startBanner(on, resolveConfig({ port: '0', demo: true }, {}), { demoTraffic: true });
    expect(onBanner).toContain(`demo app:    ${on.url}/demo/`);
    expect(onBanner).toMatch(/demo traffic: on/);
  });
});
