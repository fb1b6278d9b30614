import { describe, expect, it } from 'vitest';
import { compareCompletion, MIN_JOURNEYS_PER_GROUP } from '../../src/query/completion-comparison.js';
import { newcombeDifference, wilsonInterval } from '../../src/query/newcombe-interval.js';

/**
 * Newcombe (1998), "Interval estimation for the difference between independent proportions:
 * comparison of eleven methods", Statistics in Medicine 17:873–890, Table II, method 10 (score
 * interval without continuity correction): the eight examples (a)–(h), to four decimals.
 */
const TABLE_II: Array<[string, [number, number, number, number], number, number]> = [
  ['(a) 56/70 − 48/80', [56, 70, 48, 80], 0.0524, 0.3339],
  ['(b) 9/10 − 3/10', [9, 10, 3, 10], 0.1705, 0.809],
  ['(c) 6/7 − 2/7', [6, 7, 2, 7], 0.0582, 0.8062],
  ['(d) 5/56 − 0/29', [5, 56, 0, 29], -0.0381, 0.1926],
  ['(e) 0/10 − 0/20', [0, 10, 0, 20], -0.1611, 0.2775],
  ['(f) 0/10 − 0/10', [0, 10, 0, 10], -0.2775, 0.2775],
  ['(g) 10/10 − 0/20', [10, 10, 0, 20], 0.6791, 1],
  ['(h) 10/10 − 0/10', [10, 10, 0, 10], 0.6075, 1],
];

/** Rounded to the table's four decimals. */
const four = (x: number) => Math.round(x * 10_000) / 10_000;

describe("Newcombe's hybrid score interval", () => {
  it.each(TABLE_II)('%s gives the published 95 %% interval', (_name, [a, m, b, n], low, high) => {
    const result = newcombeDifference(a, m, b, n);
    expect(result.difference).toBeCloseTo(a / m - b / n, 12);
    expect([four(result.low), four(result.high)]).toEqual([low, high]);
  });

  it("builds on Wilson's interval (Newcombe 1998, single proportion: 81/263 → 0.2553 to 0.3662)", () => {
    // Newcombe, "Two-sided confidence intervals for the single proportion", Statistics in
    // Medicine 17:857–872, Table I, method 3: 81/263 and the boundary case 0/20.
    const { low, high } = wilsonInterval(81, 263);
    expect([four(low), four(high)]).toEqual([0.2553, 0.3662]);
    expect(wilsonInterval(0, 20)).toEqual({ low: 0, high: expect.closeTo(0.1611, 4) });
  });

  it('refuses counts that are not a proportion', () => {
    expect(() => wilsonInterval(1, 0)).toThrow(RangeError);
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
  });
});

describe('compareCompletion: a verdict only with enough key journeys in both groups', () => {
  const group = (completed: number, journeys: number) => ({ journeys, completed_journeys: completed });

  it('gives the interval but no verdict below the minimum (the "76.9 % vs 100 %" of 2 hold-out journeys)', () => {
    const c = compareCompletion(group(10, 13), group(2, 2));
    expect(c).toMatchObject({
      enough_data: false,
      verdict: null,
      min_journeys_per_group: MIN_JOURNEYS_PER_GROUP,
    });
    expect(c.difference).toBeCloseTo(10 / 13 - 1, 12);
    // The interval spans zero widely: nothing can be concluded.
    expect(c.ci_low!).toBeLessThan(-0.4);
    expect(c.ci_high!).toBeGreaterThan(0.4);
  });

  it('judges from the interval once both groups reach the minimum', () => {
    expect(compareCompletion(group(56, 70), group(48, 80))).toMatchObject({
      enough_data: true,
      verdict: 'targeted_higher',
      confidence: 0.95,
    });
    expect(compareCompletion(group(48, 80), group(56, 70)).verdict).toBe('targeted_lower');
    expect(compareCompletion(group(15, 30), group(15, 30))).toMatchObject({
      difference: 0,
      verdict: 'no_clear_difference',
    });
    // 29 in one group is one short.
    expect(compareCompletion(group(29, 29), group(0, 30)).enough_data).toBe(false);
    expect(compareCompletion(group(29, 29), group(0, 30), { minJourneysPerGroup: 20 }).verdict).toBe(
      'targeted_higher',
    );
  });

  it('has no difference when a group has no key journeys', () => {
    expect(compareCompletion(group(0, 0), group(3, 40))).toMatchObject({
      difference: null,
      ci_low: null,
      ci_high: null,
      enough_data: false,
      verdict: null,
    });
  });
});
