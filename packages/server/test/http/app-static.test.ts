import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { startTestApp } from '../support/app.js';

/** `npm test` builds the apps first (root `build`), so their dist folders exist here. */
const dashboardAssets = readdirSync(new URL('../../../../apps/dashboard/dist/assets/', import.meta.url));
const demoAssets = readdirSync(new URL('../../../../apps/demo/dist/assets/', import.meta.url));

describe('the built apps', () => {
  let app: RunningSightline;
  beforeAll(async () => {
    app = await startTestApp(undefined, { demo: true });
  });
  afterAll(async () => {
    await app.close();
  });

  it('serves the dashboard at / with a script policy that allows this origin only', async () => {
    const res = await fetch(`${app.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    const script = /src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
    expect(script && dashboardAssets).toContain(script);
    const asset = await fetch(`${app.url}/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('serves the demo under /demo/ and redirects /demo there', async () => {
    const redirect = await fetch(`${app.url}/demo`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/demo/');
    const res = await fetch(`${app.url}/demo/`);
    expect(res.status).toBe(200);
    const script = /src="\/demo\/assets\/([^"]+\.js)"/.exec(await res.text())?.[1];
    expect(script && demoAssets).toContain(script);
    expect((await fetch(`${app.url}/demo/assets/${script}`)).status).toBe(200);
  });

  it('never reads outside the build folders', async () => {
    for (const path of [
      '/assets/..%2F..%2Fpackage.json',
      '/assets/%2e%2e%2fpackage.json',
      '/assets/.vite',
      '/demo/assets/..%2Findex.html',
      '/assets/nope.js',
    ]) {
      const res = await fetch(`${app.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { error: string }).error, path).toBe('not_found');
    }
  });
});
