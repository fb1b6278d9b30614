import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { uploadStore } from '../../src/demo/upload-store.js';
import { startTestApp } from '../support/app.js';
import { buildClusterMarkerWebm, buildMp4, buildTinyBoxMp4, buildWebm } from './fixtures.js';
import { analyzeUpload, type Json, uploadVideo } from './support.js';

/**
 * Hostile files through the real HTTP server, with the event loop watched the whole time: the
 * analysis runs in a worker thread under a work cap, so `/healthz` keeps answering. Each hostile
 * file is compared with an honest file of about the same size, measured in the same test.
 */
interface Measured {
  /** Upload + analysis, wall clock. */
  ms: number;
  lines: Json[];
  /** Slowest `/healthz` answer while the file was uploaded and analysed. */
  healthMaxMs: number;
  healthChecks: number;
  /** Worst event-loop delay over the same time (perf_hooks histogram). */
  loopDelayMaxMs: number;
}

async function measure(app: RunningSightline, bytes: Buffer, name: string, type: string): Promise<Measured> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let running = true;
  const healthTimes: number[] = [];
  const probe = (async () => {
    while (running) {
      const sent = performance.now();
      const res = await fetch(`${app.url}/healthz`);
      await res.arrayBuffer();
      healthTimes.push(performance.now() - sent);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const started = performance.now();
  try {
    const up = await uploadVideo(app, bytes, name, type);
    expect(up.status, JSON.stringify(up.body)).toBe(200);
    const { status, lines } = await analyzeUpload(app, String(up.body['upload_id']));
    expect(status).toBe(200);
    return {
      ms: performance.now() - started,
      lines,
      healthMaxMs: Math.max(...healthTimes),
      healthChecks: healthTimes.length,
      loopDelayMaxMs: histogram.max / 1e6,
    };
  } finally {
    running = false;
    await probe;
    histogram.disable();
  }
}

const report = (label: string, m: Measured) =>
  console.log(
    `${label}: ${m.ms.toFixed(0)} ms; /healthz max ${m.healthMaxMs.toFixed(1)} ms over ${m.healthChecks} checks; event-loop delay max ${m.loopDelayMaxMs.toFixed(1)} ms`,
  );

/** The hostile run may cost at most twice the honest one, with floors so tiny baselines do not flake. */
function expectBounded(hostile: Measured, honest: Measured) {
  expect(hostile.ms).toBeLessThanOrEqual(Math.max(2 * honest.ms, 3_000));
  expect(hostile.healthMaxMs).toBeLessThanOrEqual(Math.max(2 * honest.healthMaxMs, 250));
  expect(hostile.loopDelayMaxMs).toBeLessThanOrEqual(Math.max(2 * honest.loopDelayMaxMs, 250));
  expect(hostile.healthChecks).toBeGreaterThan(0);
}

describe('hostile videos never stall the server', () => {
  let app: RunningSightline;
  beforeAll(async () => {
    app = await startTestApp(undefined, { demo: true });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('the cluster-marker WebM (20,000 markers, ~140 KB) is analysed in one pass; /healthz stays fast', {
    timeout: 60_000,
  }, async () => {
    const honestBytes = buildWebm({ width: 640, height: 480, frames: 2_300, frameBytes: 50 });
    const honest = await measure(app, honestBytes, 'honest.webm', 'video/webm');
    report(`honest WebM (${honestBytes.length} B)`, honest);
    expect(honest.lines.at(-1)).toMatchObject({
      type: 'result',
      analysis: { duration_from_last_frame: true },
    });

    const hostileBytes = buildClusterMarkerWebm();
    const hostile = await measure(app, hostileBytes, 'markers.webm', 'video/webm');
    report(`cluster-marker WebM (${hostileBytes.length} B)`, hostile);
    // No planted cluster has a Timecode: the duration is reported unknown, the rest is read.
    expect(hostile.lines.at(-1)).toMatchObject({
      type: 'result',
      analysis: { name: 'markers.webm', duration_s: null, width: 2, checksum_verified: true },
    });
    expectBounded(hostile, honest);
    // Analysed or refused, the upload's file is gone.
    expect(readdirSync(uploadStore.folder!)).toHaveLength(uploadStore.size);
  });

  it('the MP4 of 8-byte boxes (~800 KB) is refused as too complex; /healthz stays fast', {
    timeout: 60_000,
  }, async () => {
    const honestBytes = buildMp4({ durationS: 2, width: 16, height: 16, mdatBytes: 800 * 1024 });
    const honest = await measure(app, honestBytes, 'honest.mp4', 'video/mp4');
    report(`honest MP4 (${honestBytes.length} B)`, honest);
    expect(honest.lines.at(-1)).toMatchObject({ type: 'result', analysis: { duration_s: 2, width: 16 } });

    const hostileBytes = buildTinyBoxMp4();
    const hostile = await measure(app, hostileBytes, 'boxes.mp4', 'video/mp4');
    report(`8-byte-box MP4 (${hostileBytes.length} B)`, hostile);
    expect(hostile.lines.at(-1)).toMatchObject({
      type: 'error',
      error: 'unsupported_content_type',
      message: expect.stringMatching(/"boxes\.mp4" is too complex to analyse: its MP4 container/),
    });
    expectBounded(hostile, honest);
    expect(readdirSync(uploadStore.folder!)).toHaveLength(uploadStore.size);
  });
});
