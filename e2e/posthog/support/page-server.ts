import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/** The real posthog-js browser bundle, straight from node_modules. */
const POSTHOG_ARRAY_JS = join(
  dirname(createRequire(import.meta.url).resolve('posthog-js/package.json')),
  'dist',
  'array.js',
);

export interface PageServer {
  url: string;
  close(): Promise<void>;
}

/** A page instrumented with posthog-js exactly as a site would do it: load the bundle, init with api_host. */
function page(title: string, body: string, apiHost: string, key: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title></head>
<body>
${body}
<script src="/posthog/array.js"></script>
<script>
  posthog.init(${JSON.stringify(key)}, { api_host: ${JSON.stringify(apiHost)}, capture_pageview: true, capture_pageleave: true });
</script>
</body></html>`;
}

/** Two pages of a tiny shop, and posthog-js's array.js, on 127.0.0.1:0. */
export async function startPageServer(apiHost: string, key: string): Promise<PageServer> {
  const bundle = await readFile(POSTHOG_ARRAY_JS);
  const pages: Record<string, string> = {
    '/': page(
      'Shop',
      `<button id="buy" onclick="document.getElementById('status').textContent = 'added'">Buy</button>
<button id="rage">Apply coupon</button>
<p id="status"></p>
<a id="next" href="/checkout">Checkout</a>`,
      apiHost,
      key,
    ),
    '/checkout': page('Checkout', '<h1>Checkout</h1>', apiHost, key),
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page').pathname;
    if (path === '/posthog/array.js') {
      res.writeHead(200, { 'content-type': 'application/javascript', 'content-length': bundle.length });
      res.end(bundle);
      return;
    }
    const html = pages[path];
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
