import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { DEFAULT_MAX_EXPORTS } from '../../src/export/export-limits.js';
import { makeRow } from '../support/rows.js';
import { startLimitedApp } from './net-helpers.js';

/**
 * Events in the project. 100k keeps the test short; SIGHTLINE_TEST_EXPORT_EVENTS=200000 measures
 * the figure docs quote.
 */
const EVENTS = Number(process.env['SIGHTLINE_TEST_EXPORT_EVENTS'] ?? 100_000);
/** ~400 B of properties: 100k events make an export of ~70 MB of NDJSON. */
const PROPERTIES = JSON.stringify({ note: 'n'.repeat(400) });
/**
 * Growth allowed for the whole process while the exports run, whatever EVENTS is. A sort of the
 * whole range per export held all of its events in memory at once: 4 × 200k grew it by ~540 MB.
 */
const MAX_GROWTH_MB = 250;

/** Reads a whole export as fast as possible, counting lines without keeping them. */
function readExport(app: RunningSightline): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${app.url}/v1/export`,
      { agent: false, headers: { authorization: `Bearer ${app.keys.secretKey}` } },
      (res) => {
        if (res.statusCode !== 200) reject(new Error(`export: ${res.statusCode}`));
        let lines = 0;
        res.on('data', (chunk: Buffer) => {
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
        });
        res.on('end', () => resolve(lines));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('export memory', () => {
  let app: RunningSightline;

  beforeAll(async () => {
    // All four from one project: the total, not the per-project count, is what is measured here.
    app = await startLimitedApp({ exports: { maxPerProject: DEFAULT_MAX_EXPORTS } });
    const base = Date.UTC(2025, 0, 1);
    for (let done = 0; done < EVENTS; done += 20_000) {
      await app.engine.insertEvents(
        Array.from({ length: Math.min(20_000, EVENTS - done) }, (_, i) =>
          // Mostly in time order, as a live server stores them, with late arrivals mixed in.
          makeRow({
            project_id: 'default',
            timestamp: base + (done + i) * 50 - (i % 7) * 3_000,
            properties: PROPERTIES,
          }),
        ),
      );
    }
  });
  afterAll(async () => {
    await app.close();
  });

  it(`${DEFAULT_MAX_EXPORTS} concurrent exports of ${EVENTS.toLocaleString('en')} events stay within bounded memory`, async () => {
    global.gc?.();
    const rss = () => process.memoryUsage().rss / 1e6;
    const before = rss();
    let peak = before;
    const sample = setInterval(() => {
      peak = Math.max(peak, rss());
    }, 20);
    const start = performance.now();
    const counts = await Promise.all(Array.from({ length: DEFAULT_MAX_EXPORTS }, () => readExport(app)));
    const seconds = (performance.now() - start) / 1000;
    clearInterval(sample);
    peak = Math.max(peak, rss());
    expect(counts).toEqual(Array(DEFAULT_MAX_EXPORTS).fill(EVENTS));
    console.log(
      `[export memory] ${DEFAULT_MAX_EXPORTS} concurrent exports of ${EVENTS} events (${((DEFAULT_MAX_EXPORTS * EVENTS) / seconds / 1000).toFixed(0)}k events/s in all, ${seconds.toFixed(1)} s): process RSS ${before.toFixed(0)} → peak ${peak.toFixed(0)} MB (+${(peak - before).toFixed(0)} MB; bound +${MAX_GROWTH_MB} MB)`,
    );
    expect(peak - before).toBeLessThan(MAX_GROWTH_MB);
  });
});
