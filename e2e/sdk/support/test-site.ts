import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const BUNDLE = fileURLToPath(new URL('../../../packages/sdk/dist/sightline.iife.js', import.meta.url));

/** The pre-load stub from packages/sdk/README.md, verbatim. */
export const SNIPPET = `!function(w){var s=w.sightline=w.sightline||[];if(s.push)"init track identify reset optOut optIn register unregister flush startJourney moveToStep completeJourney abandonJourney interventionShown interventionResult".split(" ").forEach(function(m){s[m]=s[m]||function(){s.push([m,[].slice.call(arguments),Date.now()])}})}(window);`;

/** Pause of the upload endpoint after each chunk it reads: slow enough for many real progress events. */
export const UPLOAD_READ_PAUSE_MS = 15;

const page = (title: string, body: string, key: string, host: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>${title}</title>
<script>${SNIPPET}
sightline.init(${JSON.stringify({ key, host, flushInterval: 200 })});
sightline.track('stub_queued', { page: ${JSON.stringify(title)} });</script>
<script async src="/sightline.iife.js"></script>
<style>body{margin:0;font:16px sans-serif}.tall{height:4000px}#nothing{width:300px;height:60px}</style>
</head><body>${body}</body></html>`;

const HOME = `
<button id="cta" class="btn primary">Analyse</button>
<button id="rage" class="btn">Retry</button> <span id="retries">0</span>
<div id="nothing" class="panel">Nothing happens here</div>
<label>Email <input id="email" class="field" value="secret@example.com"></label>
<button id="checkout">Checkout</button> <button id="pay">Pay</button> <span id="checkout-step"></span>
<input type="file" id="video"> <p id="upload-status">idle</p>
<a id="leave" href="/next">Next page</a>
<div class="tall"></div>
<script>
  const text = (id, value) => { document.getElementById(id).textContent = value; };
  document.getElementById('cta').addEventListener('click', () => text('checkout-step', 'analysing'));
  document.getElementById('rage').addEventListener('click', () => text('retries', String(Number(document.getElementById('retries').textContent) + 1)));
  document.getElementById('checkout').addEventListener('click', () => {
    sightline.startJourney('checkout', 'cart', { items: 2 });
    text('checkout-step', 'cart');
  });
  document.getElementById('pay').addEventListener('click', () => {
    sightline.moveToStep('checkout', 'payment');
    text('checkout-step', 'payment');
  });
  document.getElementById('video').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    sightline.startJourney('video_upload', 'file_selected', { file_size: file.size });
    sightline.moveToStep('video_upload', 'upload_started');
    const upload = sightline.upload(file, {
      url: '/upload',
      fieldName: 'video',
      properties: { video_id: 'vid-1' },
      onProgress: (loaded, total) => text('upload-status', Math.round((loaded / total) * 100) + '%'),
    });
    try {
      const result = await upload.result;
      sightline.moveToStep('video_upload', 'upload_complete');
      sightline.completeJourney('video_upload', { final_state: 'success' });
      text('upload-status', 'done ' + result.status + ' ' + result.responseText);
    } catch (error) {
      sightline.abandonJourney('video_upload', 'upload_error', { error_message: String(error) });
      text('upload-status', 'failed');
    }
  });
</script>`;

async function drainSlowly(request: IncomingMessage): Promise<number> {
  let bytes = 0;
  request.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    request.pause();
    setTimeout(() => request.resume(), UPLOAD_READ_PAUSE_MS);
  });
  await new Promise((resolve) => request.on('end', resolve));
  return bytes;
}

/** The instrumented app: `/` (everything to click), `/next`, the built bundle and a slow `/upload`. */
export async function startTestSite(sightline: { url: string; publicKey: string }) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    if (path === '/sightline.iife.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(BUNDLE));
    } else if (path === '/upload' && request.method === 'POST') {
      const bytes = await drainSlowly(request);
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ bytes }));
    } else if (path === '/' || path === '/next') {
      const html =
        path === '/'
          ? page('Video analysis', HOME, sightline.publicKey, sightline.url)
          : page(
              'Next',
              '<h1>Next page</h1><a id="back" href="/">Back</a>',
              sightline.publicKey,
              sightline.url,
            );
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
