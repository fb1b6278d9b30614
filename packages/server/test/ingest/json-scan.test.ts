import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { type ScanLimits, scanCaptureBody } from '../../src/ingest/json-scan.js';
import { createRng } from '../../src/simulate/prng.js';

const SMALL: ScanLimits = { maxEventNodes: 30, maxEventDepth: 4, maxBodyDepth: 8, maxEnvelopeNodes: 30 };

/** Values in a JSON value the way the scanner counts them: every value plus every object member. */
function nodes(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce((n: number, v) => n + nodes(v), 0);
  if (value !== null && typeof value === 'object')
    return 1 + Object.values(value).reduce((n: number, v) => n + 1 + nodes(v), 0);
  return 1;
}

function depth(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depth));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depth));
  return 0;
}

function randomValue(rand: () => number, level: number): unknown {
  const r = rand();
  if (level > 6 || r < 0.35) {
    const pick = Math.floor(rand() * 7);
    return ['plain', 'quote " and \\ backslash \\" and \\\\', 'é 日本 🎉 {[,:]}', 12.5e3, -12, true, null][
      pick
    ];
  }
  if (r < 0.65) return Array.from({ length: Math.floor(rand() * 5) }, () => randomValue(rand, level + 1));
  const out: Record<string, unknown> = {};
  for (let k = 0; k < Math.floor(rand() * 5); k++) out[`k"${k}\\`] = randomValue(rand, level + 1);
  return out;
}

function scan(value: unknown, limits = SMALL, space?: number) {
  return scanCaptureBody(Buffer.from(JSON.stringify(value, null, space)), limits);
}

describe('scanCaptureBody', () => {
  it('cuts exactly the events over a limit, and the rest parses to the same values', () => {
    const rng = createRng(7);
    const rand = () => rng.next();
    for (let round = 0; round < 400; round++) {
      const events = Array.from({ length: 1 + Math.floor(rand() * 6) }, () => randomValue(rand, 0));
      const body = round % 3 === 0 ? events : { api_key: 'k', batch: events, sent_at: 1 };
      const { bytes, cut } = scan(body, SMALL, round % 2 === 0 ? undefined : 2);
      const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
      const batch = (Array.isArray(parsed) ? parsed : (parsed as { batch: unknown[] }).batch) as unknown[];
      events.forEach((event, i) => {
        const over = nodes(event) > SMALL.maxEventNodes || depth(event) > SMALL.maxEventDepth;
        expect(cut.has(i), `round ${round} event ${i}`).toBe(over);
        expect(batch[i]).toEqual(over ? null : event);
      });
    }
  });

  it('names the reason: too many values or too deep', () => {
    const wide = { properties: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, i])) };
    const deep = { properties: { a: { b: { c: { d: 1 } } } } };
    const { cut } = scan({ batch: [{ ok: 1 }, wide, deep] });
    expect([...cut.keys()]).toEqual([1, 2]);
    expect(cut.get(1)).toMatchObject({ code: 'too_complex', error: expect.stringContaining('more than 30') });
    expect(cut.get(2)).toMatchObject({
      code: 'too_complex',
      error: expect.stringContaining('deeper than 4'),
    });
  });

  it('refuses a whole body only for what lies outside its events', () => {
    const deepEnvelope = { batch: [], extra: [[[[[[[[[1]]]]]]]]] };
    expect(() => scan(deepEnvelope)).toThrow(ApiError);
    // A single event at the root (no event array) is the whole request.
    const deepSingle = { event: 'x', properties: { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } } };
    expect(() => scan(deepSingle)).toThrow(/nests deeper than 8/);
    // Only the root's `batch` key holds events; a nested one is ordinary data.
    const { cut } = scan({ meta: { batch: [1, 2] }, batch: [{ a: 1 }] });
    expect(cut.size).toBe(0);
  });

  it('scans a 16 MB event with a million properties without parsing it', () => {
    const props: Record<string, number> = {};
    for (let i = 0; i < 1_000_000; i++) props[`k${i}`] = i;
    const body = Buffer.from(
      JSON.stringify({
        batch: [
          { uuid: 'a', properties: props },
          { uuid: 'b', event: 'ok' },
        ],
      }),
    );
    const started = performance.now();
    const { bytes, cut } = scanCaptureBody(body);
    console.log(
      `scan of ${(body.length / 1e6).toFixed(1)} MB: ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect([...cut.keys()]).toEqual([0]);
    expect(JSON.parse(bytes.toString())).toEqual({ batch: [null, { uuid: 'b', event: 'ok' }] });
  });

  it('cuts an event nested 100,000 levels deep and keeps its neighbours', () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const body = Buffer.from(`{"batch":[{"uuid":"a"},{"uuid":"b","properties":${deep}},{"uuid":"c"}]}`);
    const { bytes, cut } = scanCaptureBody(body);
    expect([...cut.keys()]).toEqual([1]);
    expect(JSON.parse(bytes.toString())).toEqual({ batch: [{ uuid: 'a' }, null, { uuid: 'c' }] });
  });
});
