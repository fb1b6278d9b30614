import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VideoFormat } from '../../src/demo/formats.js';
import { parseMp4 } from '../../src/demo/mp4.js';
import type { VideoInfo } from '../../src/demo/video-info.js';
import { parseWebm } from '../../src/demo/webm.js';
import { DEFAULT_MAX_ELEMENTS, TooComplexError, WorkBudget } from '../../src/demo/work-budget.js';
import { buildClusterMarkerWebm, buildTinyBoxMp4, buildVoidFloodWebm, buildWebm } from './fixtures.js';

/**
 * The container readers on hostile files, called directly on files on disk: each finishes or
 * stops at its work cap in milliseconds, where the readers before the cap took 8 s (WebM, all of
 * it blocking the thread) and 4–8 s (MP4, one read per 8-byte box).
 */
const dir = mkdtempSync(join(tmpdir(), 'sightline-containers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;

interface Parsed {
  ms: number;
  /** Boxes or elements the reader visited. */
  visited: number;
  info?: VideoInfo;
  error?: Error;
}

async function parse(bytes: Buffer, format: VideoFormat): Promise<Parsed> {
  const path = join(dir, `${++files}.video`);
  writeFileSync(path, bytes);
  const fh = await open(path, 'r');
  const budget = new WorkBudget();
  const started = performance.now();
  try {
    const info =
      format === 'webm'
        ? await parseWebm(fh, bytes.length, format, budget)
        : await parseMp4(fh, bytes.length, format, budget);
    return { ms: performance.now() - started, visited: budget.visited, info };
  } catch (error) {
    return { ms: performance.now() - started, visited: budget.visited, error: error as Error };
  } finally {
    await fh.close();
  }
}

/** Generous: each case is a few ms of work; the bound only has to tell seconds from milliseconds. */
const FAST_MS = 1_000;

describe('container readers under a work cap', () => {
  it('20,000 timecode-less cluster markers (~140 KB WebM): one linear pass, duration unknown', async () => {
    const webm = buildClusterMarkerWebm();
    expect(webm.length).toBeGreaterThan(135_000);
    expect(webm.length).toBeLessThan(145_000);
    const { ms, visited, info, error } = await parse(webm, 'webm');
    console.log(
      `cluster-marker WebM (${webm.length} B): analysed in ${ms.toFixed(1)} ms, ${visited} elements visited`,
    );
    expect(error).toBeUndefined();
    // The header is read; no candidate cluster has a Timecode, so the duration stays unknown.
    expect(info).toMatchObject({ width: 2, height: 2, video_codec: 'V_VP9', duration_s: null });
    // Linear: one pass over the Segment's children (a visit per Void) and at most 64 candidates of
    // a few visits each, not 20,000 walks to the end of the file.
    expect(visited).toBeLessThan(20_000 + 500);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('a Segment flooded with 200,000 Void elements before its Info stops at the cap: too complex', async () => {
    const webm = buildVoidFloodWebm(200_000);
    const { ms, visited, error } = await parse(webm, 'webm');
    console.log(`Void-flood WebM (${webm.length} B): refused in ${ms.toFixed(1)} ms`);
    expect(error).toBeInstanceOf(TooComplexError);
    expect(error?.message).toMatch(/has more than 100,000 boxes or elements/);
    expect(visited).toBe(DEFAULT_MAX_ELEMENTS + 1);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('an honest recording without Duration still gets its last frame time under the cap', async () => {
    const webm = buildWebm({ width: 640, height: 480, frames: 2_000, frameBytes: 50 });
    const { ms, info } = await parse(webm, 'webm');
    expect(info).toMatchObject({ duration_s: 79.96, duration_from_last_frame: true, width: 640 });
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('800 KB of 8-byte boxes (102,400 boxes, no moov) stop at the cap: too complex', async () => {
    const mp4 = buildTinyBoxMp4();
    expect(mp4.length).toBeGreaterThan(800 * 1024);
    const { ms, error } = await parse(mp4, 'mp4');
    console.log(`8-byte-box MP4 (${mp4.length} B): refused in ${ms.toFixed(1)} ms`);
    expect(error?.message).toMatch(/has more than 100,000 boxes or elements/);
    expect(error).toBeInstanceOf(TooComplexError);
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('50,000 small boxes before the moov are walked through a read window and analysed', async () => {
    const mp4 = buildTinyBoxMp4({ boxes: DEFAULT_MAX_ELEMENTS / 2, withMoov: true });
    const { ms, info, error } = await parse(mp4, 'mp4');
    console.log(`50,000-box MP4 (${mp4.length} B): analysed in ${ms.toFixed(1)} ms`);
    expect(error).toBeUndefined();
    expect(info).toMatchObject({ duration_s: 2, width: 16, height: 16, video_codec: 'avc1', tracks: 2 });
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('a CodecID of 1 MB of NUL bytes is read without scanning it (no regex backtracking)', async () => {
    const codecId = Buffer.concat([Buffer.alloc(1024 * 1024), Buffer.from('x')]);
    const webm = buildWebm({ durationS: 1, width: 2, height: 2, frames: 1, frameBytes: 1, codecId });
    const { ms, info } = await parse(webm, 'webm');
    expect(info?.video_codec).toBe('');
    expect(ms).toBeLessThan(FAST_MS);
  });

  it('a budget of a few elements refuses even an honest file (the cap is the only bound)', async () => {
    const webm = buildWebm({ durationS: 5, width: 320, height: 240, frames: 25, frameBytes: 10 });
    const path = join(dir, 'tiny-budget.webm');
    writeFileSync(path, webm);
    const fh = await open(path, 'r');
    try {
      const budget = new WorkBudget({ maxElements: 3, maxBytes: 32 * 1024 * 1024 });
      await expect(parseWebm(fh, webm.length, 'webm', budget)).rejects.toThrow(/more than 3 boxes/);
      const bytesBudget = new WorkBudget({ maxElements: 1_000, maxBytes: 1024 });
      await expect(parseWebm(fh, webm.length, 'webm', bytesBudget)).rejects.toThrow(/MB of reads/);
    } finally {
      await fh.close();
    }
  });
});
