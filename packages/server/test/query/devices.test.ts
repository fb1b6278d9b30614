import type { BreakdownRow, DevicesResult } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicesQuery } from '../../src/query/web/devices.js';
import type { EventRow, StorageEngine } from '../../src/storage/engine.js';
import { makeRow } from '../support/rows.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const PROJECT = 'p-devices';
const T = 1_700_000_000_000;
const RANGE = { from: T, to: T + 3_600_000 };

let n = 0;
/** An event `at` seconds after T from a client; `width` is the SDK's screen_width (undefined: none sent). */
const ev = (
  session: string,
  user: string,
  at: number,
  [browser, os, device]: [string, string, string],
  width: unknown,
): EventRow =>
  makeRow({
    project_id: PROJECT,
    uuid: `dev-${n++}`,
    session_id: session,
    distinct_id: user,
    timestamp: T + at * 1000,
    browser,
    os,
    device,
    properties: JSON.stringify(width === undefined ? {} : { screen_width: width, screen_height: 800 }),
  });

const WINDOWS_CHROME: [string, string, string] = ['Chrome', 'Windows', 'desktop'];
const ANDROID_CHROME: [string, string, string] = ['Chrome', 'Android', 'mobile'];

/** Widths on each side of every class boundary (576, 992, 1440). */
const ROWS: EventRow[] = [
  ev('d1', 'u1', 0, WINDOWS_CHROME, 1920),
  // A later event of d1 from another client: d1 keeps its entry's.
  ev('d1', 'u1', 10, ['Firefox', 'Linux', 'desktop'], 390),
  ev('d2', 'u2', 10, ['Mobile Safari', 'iOS', 'mobile'], 390),
  ev('d3', 'u1', 20, WINDOWS_CHROME, 1440),
  ev('d4', 'u3', 30, ['Safari', 'iOS', 'tablet'], 820),
  ev('d5', 'u4', 40, ANDROID_CHROME, 576),
  ev('d6', 'u5', 50, ['Firefox', 'Linux', 'desktop'], 1439),
  ev('d7', 'u6', 60, ['Edge', 'Windows', 'desktop'], 992),
  // Nothing known: no User-Agent, no width.
  ev('d8', 'u7', 70, ['', '', ''], undefined),
  // A width that is not a number.
  ev('d9', 'u8', 80, ['Chrome', 'Mac OS', 'desktop'], '1920'),
  ev('d10', 'u9', 90, ANDROID_CHROME, 575),
  // Not counted: no session id, another project.
  ev('', 'u10', 100, WINDOWS_CHROME, 1920),
  makeRow({ project_id: 'p-other', session_id: 'd1', timestamp: T, properties: '{"screen_width":390}' }),
];

const row = (name: string, visitors: number, sessions: number): BreakdownRow => ({
  name,
  visitors,
  sessions,
});

const ALL: DevicesResult = {
  browsers: [
    row('Chrome', 4, 5),
    row('', 1, 1),
    row('Edge', 1, 1),
    row('Firefox', 1, 1),
    row('Mobile Safari', 1, 1),
    row('Safari', 1, 1),
  ],
  os: [
    row('Windows', 2, 3),
    row('Android', 2, 2),
    row('iOS', 2, 2),
    row('', 1, 1),
    row('Linux', 1, 1),
    row('Mac OS', 1, 1),
  ],
  device_types: [row('desktop', 4, 5), row('mobile', 3, 3), row('', 1, 1), row('tablet', 1, 1)],
  screens: [
    // d8, d9: no numeric width
    row('', 2, 2),
    // 1439, 992
    row('laptop', 2, 2),
    // 390, 575
    row('mobile', 2, 2),
    // 820, 576
    row('tablet', 2, 2),
    // 1920, 1440 (both u1)
    row('desktop', 1, 2),
  ],
};

describe.each(ENGINES)('devices on $name', (kind) => {
  let engine: StorageEngine;
  const run = (args: object) => runQuery(engine, devicesQuery, PROJECT, { time_range: RANGE, ...args }, T);

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    await engine.insertEvents(ROWS);
  });
  afterAll(() => engine.close());

  it('breaks sessions down by their entry event client and screen class', async () => {
    expect(await run({})).toEqual(ALL);
  });

  it('limits each list', async () => {
    const result = await run({ limit: 1 });
    expect(result).toEqual({
      browsers: [row('Chrome', 4, 5)],
      os: [row('Windows', 2, 3)],
      device_types: [row('desktop', 4, 5)],
      screens: [row('', 2, 2)],
    });
  });

  it('counts the sessions with a matching event under their entry client', async () => {
    // d1 matches by its second event (Firefox), d6 by its entry.
    const result = await run({ filters: [{ property: 'browser', op: 'eq', value: 'Firefox' }] });
    expect(result).toEqual({
      browsers: [row('Chrome', 1, 1), row('Firefox', 1, 1)],
      os: [row('Linux', 1, 1), row('Windows', 1, 1)],
      device_types: [row('desktop', 2, 2)],
      screens: [row('desktop', 1, 1), row('laptop', 1, 1)],
    });
    const phones = await run({ filters: [{ property: 'device', op: 'eq', value: 'mobile' }] });
    expect(phones.screens).toEqual([row('mobile', 2, 2), row('tablet', 1, 1)]);
  });
});
