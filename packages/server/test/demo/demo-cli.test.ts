import { describe, expect, it } from 'vitest';
import { type SightlineProcess, startSightline } from '../../../../e2e/support/sightline.js';
import { buildMp4, buildTinyBoxMp4 } from './fixtures.js';

/** The built `sightline start` (plain JS, the analysis worker included) with the demo on and off. */
async function analyzeThrough(server: SightlineProcess, bytes: Buffer, name: string, type: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  const up = await fetch(`${server.url}/demo/api/upload`, { method: 'POST', body: form });
  expect(up.status).toBe(200);
  const { upload_id } = (await up.json()) as { upload_id: string };
  const res = await fetch(`${server.url}/demo/api/analyze`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ upload_id }),
  });
  expect(res.status).toBe(200);
  return (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('sightline start --demo (built CLI)', () => {
  it('--demo: the banner shows the demo, its API answers, the built worker analyses and refuses', {
    timeout: 60_000,
  }, async () => {
    const server = await startSightline({ demo: true });
    try {
      expect(server.output()).toContain(`demo app:    ${server.url}/demo/`);
      expect((await fetch(`${server.url}/demo/config.json`)).status).toBe(200);
      const mp4 = await analyzeThrough(
        server,
        buildMp4({ durationS: 3, width: 32, height: 16, mdatBytes: 1000 }),
        'a.mp4',
        'video/mp4',
      );
      expect(mp4.at(-1)).toMatchObject({ type: 'result', analysis: { duration_s: 3, width: 32 } });
      const hostile = await analyzeThrough(server, buildTinyBoxMp4(), 'boxes.mp4', 'video/mp4');
      expect(hostile.at(-1)).toMatchObject({ type: 'error', error: 'unsupported_content_type' });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('off by default; SIGHTLINE_DEMO=1 turns it on; --no-demo wins over SIGHTLINE_DEMO=1', {
    timeout: 60_000,
  }, async () => {
    const cases = [
      { options: {}, on: false },
      { options: { env: { SIGHTLINE_DEMO: '1' } }, on: true },
      { options: { demo: false, env: { SIGHTLINE_DEMO: '1' } }, on: false },
    ];
    for (const { options, on } of cases) {
      const server = await startSightline(options);
      try {
        const label = JSON.stringify(options);
        expect((await fetch(`${server.url}/demo/config.json`)).status, label).toBe(on ? 200 : 404);
        expect((await fetch(`${server.url}/demo`, { redirect: 'manual' })).status, label).toBe(
          on ? 308 : 404,
        );
        expect(server.output().includes('demo app:'), label).toBe(on);
      } finally {
        await server.stop();
      }
    }
  });
});
