import { LIMITS } from '@sightline/schema';
import type { Rng } from '../../src/simulate/prng.js';

/**
 * Generated hostile JSON, written as text so it can hold what JSON.stringify cannot produce
 * (`1e400`, lone surrogates as escapes, duplicate keys). A `Raw` is a token written as is.
 */
export class Raw {
  constructor(readonly text: string) {}
}

export type Fuzz = Raw | string | number | boolean | null | Fuzz[] | { [key: string]: Fuzz };

/** JSON text of a generated value (object keys may repeat through `entries`). */
export function toJson(value: Fuzz | undefined): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const EDGE_NUMBERS = [
  '0',
  '-0',
  '5e-324',
  '1e-400',
  '2.2250738585072014e-308',
  '9007199254740991',
  '9007199254740993',
  '9223372036854775807',
  '-9223372036854775808',
  '18446744073709551616',
  '1e19',
  '1e308',
  '1.7976931348623157e308',
  '-1.7976931348623157e308',
  '1e400',
  '-1e400',
  '0.1',
  '123456789.123456789',
];

const EDGE_STRINGS = [
  '',
  'plain',
  'nul\\u0000inside',
  '\\u0000',
  'é日本🎉',
  '\\ud83c\\udf89',
  '\\ud800',
  '\\udc00x',
  'a\\ud800b',
  '\\u001f\\u007f',
  'quote\\"s',
  'back\\\\slash',
  '__proto__',
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
];

/** Values a valid event may carry (finite numbers, well-formed strings): they must round-trip. */
const SAFE_NUMBERS = EDGE_NUMBERS.filter((n) => !n.includes('e400'));
const SAFE_STRINGS = EDGE_STRINGS.filter((s) => !/\\ud800|\\udc00/.test(s) || s === '\\ud83c\\udf89');
const SAFE_KEYS = ['a', '', 'constructor', 'prototype', 'toString', '$set', 'a.b', 'nul\u0000', 'é'];

const EDGE_KEYS = [
  'a',
  '',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '$set',
  'a.b',
  'nul\u0000',
  'é',
  '\ud800',
];

const rawString = (escaped: string) => new Raw(`"${escaped}"`);

/** `wild`: may be invalid (non-finite numbers, lone surrogates, past the limits); else always storable. */
export function fuzzScalar(rng: Rng, wild: boolean): Fuzz {
  switch (rng.int(0, 4)) {
    case 0:
      return new Raw(rng.pick(wild ? EDGE_NUMBERS : SAFE_NUMBERS));
    case 1:
      return rawString(rng.pick(wild ? EDGE_STRINGS : SAFE_STRINGS));
    case 2:
      return rng.pick([true, false, null]);
    case 3:
      return 'x'.repeat(rng.int(0, 3) === 0 ? rng.int(1000, 20_000) : rng.int(0, 20));
    default:
      return rng.int(-1e6, 1e6);
  }
}

/** Nested values; sometimes right at a limit, sometimes just past it. */
export function fuzzValue(rng: Rng, wild: boolean, level = 0): Fuzz {
  const roll = rng.next();
  if (level === 0 && roll < 0.04) {
    const depths = [LIMITS.maxPropertyDepth - 2, LIMITS.maxPropertyDepth - 1];
    return nested(
      rng.pick(wild ? [...depths, LIMITS.maxPropertyDepth, LIMITS.maxPropertyDepth + 1, 1000] : depths),
    );
  }
  if (level === 0 && roll < 0.06) {
    const widths = [100, LIMITS.maxEventNodes / 2 - 50];
    return wide(rng.pick(wild ? [...widths, LIMITS.maxEventNodes] : widths));
  }
  if (level > 4 || roll < 0.5) return fuzzScalar(rng, wild);
  if (roll < 0.75) return Array.from({ length: rng.int(0, 4) }, () => fuzzValue(rng, wild, level + 1));
  const out: { [key: string]: Fuzz } = {};
  const keys = wild ? EDGE_KEYS : SAFE_KEYS;
  for (let i = rng.int(0, 4); i > 0; i--)
    out[rng.chance(0.3) ? rng.pick(keys) : `k${rng.int(0, 9)}`] = fuzzValue(rng, wild, level + 1);
  return out;
}

function nested(levels: number): Fuzz {
  return new Raw(`${'{"d":'.repeat(levels)}1${'}'.repeat(levels)}`);
}

function wide(members: number): Fuzz {
  const parts: string[] = [];
  for (let i = 0; i < members; i++) parts.push(`"w${i}":${i}`);
  return new Raw(`{${parts.join(',')}}`);
}

/** Timestamps and clock readings: valid, at the window's edges, and absurd. */
export function fuzzTime(rng: Rng, now: number, wild: boolean): Fuzz | undefined {
  const day = 86_400_000;
  if (!wild)
    return rng.pick<Fuzz | undefined>([
      undefined,
      now,
      now - rng.int(0, 30) * day,
      new Date(now).toISOString(),
    ]);
  return rng.pick<Fuzz | undefined>([
    undefined,
    now,
    now - rng.int(0, 30) * day,
    LIMITS.minTimestampMs,
    LIMITS.minTimestampMs - 1,
    now + day - 60_000,
    now + day + 60_000,
    0,
    -1,
    1.5,
    new Raw('1e19'),
    new Raw('1e308'),
    new Raw('-1e308'),
    new Raw('1e400'),
    1_700_000_000,
    new Date(now).toISOString(),
    '0000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00.000Z',
    'not a date',
    String(now),
  ]);
}

export function fuzzId(rng: Rng, fallback: string, wild: boolean): Fuzz {
  if (!wild)
    return rng.pick<Fuzz>([fallback, 'x'.repeat(LIMITS.maxIdLength), rawString('id\\u0000nul'), 'é日本🎉']);
  return rng.pick<Fuzz>([
    fallback,
    fallback,
    fallback,
    '',
    'x'.repeat(LIMITS.maxIdLength),
    'x'.repeat(LIMITS.maxIdLength + 1),
    rawString('id\\u0000nul'),
    rawString('\\ud800'),
    42,
    new Raw('1e400'),
    null,
  ]);
}
