import type { FunnelStepResult, TimeseriesPoint } from '@sightline/schema';
import { type CanvasSample, gridLines, type Hex, runs } from './chart-pixels.js';

/**
 * "Fully drawn" for each live chart, judged on drawn pixels against the result it shows. Each
 * check returns null when the drawing matches, or why it does not. A restarted or stalled opening
 * animation leaves bars short and a line or sankey clipped part-way, which these catch.
 */

/** Allowed error of a drawn length: antialiasing and rounding, plus a share of the length. */
const PIXEL_SLACK = 3;
const SHARE_SLACK = 0.03;
const close = (drawn: number, expected: number) =>
  Math.abs(drawn - expected) <= PIXEL_SLACK + SHARE_SLACK * expected;

export interface FunnelColours {
  bars: readonly Hex[];
  grid: Hex;
}

/**
 * The funnel's horizontal bars on a 0–100 % axis: the first step's bar spans the plot (its right
 * end on the 100 % grid line) and each bar's length is its conversion from the first step, in
 * one of `results` or between them (a bar in its short transition from one result to the next;
 * a chart that starts over from zero is outside every range).
 */
export function funnelDrawn(
  sample: CanvasSample,
  results: ReadonlyArray<FunnelStepResult[]>,
  colours: FunnelColours,
): string | null {
  const barExtent = (y: number) => {
    const xs = colours.bars.flatMap((hex) => {
      const e = sample.colours[hex]!;
      return e.rowCount[y]! >= 3 ? [e.rowMin[y]!, e.rowMax[y]!] : [];
    });
    return xs.length > 0 ? { left: Math.min(...xs), right: Math.max(...xs) } : null;
  };
  const bars = runs(sample.height, (y) => barExtent(y) !== null).map((run) => {
    const rows = Array.from({ length: run.to - run.from + 1 }, (_, i) => barExtent(run.from + i)!);
    return { left: Math.min(...rows.map((r) => r.left)), right: Math.max(...rows.map((r) => r.right)) };
  });
  const plotRight = gridLines(sample, colours.grid, 'columns').at(-1);
  if (bars.length === 0 || plotRight === undefined) return `no bars (${bars.length}) or no 100 % line`;
  const plotLeft = bars[0]!.left;
  const plotWidth = plotRight - plotLeft;
  const steps = results[0]!.length;
  const lengths = (i: number) => results.map((steps) => (steps[i]?.conversion_from_first ?? 0) * plotWidth);
  // Bars shorter than 2 px cannot be told from antialiasing: only the others are counted.
  const visible = Array.from({ length: steps }, (_, i) => i).filter((i) => Math.max(...lengths(i)) >= 2);
  if (bars.length !== visible.length) return `${bars.length} bars drawn for ${visible.length} steps`;
  for (const [n, bar] of bars.entries()) {
    const expected = lengths(visible[n]!);
    const [low, high] = [Math.min(...expected), Math.max(...expected)];
    const drawn = bar.right - bar.left;
    if (!(close(drawn, low) || close(drawn, high) || (drawn > low && drawn < high)))
      return `step ${visible[n]! + 1}: bar ${drawn} px long, expected ${low.toFixed(1)}–${high.toFixed(1)} px of ${plotWidth}`;
  }
  return null;
}

export interface SeriesColours {
  bars: Hex;
  line: Hex;
  grid: Hex;
}

/**
 * Events (bars) and sessions (line) per bucket on a category axis. The value axis is a nice
 * scale from 0, so its top interval holds the largest value: the tallest bar must reach between
 * the two top grid lines, every other bar is in proportion, and the line runs from the first
 * bucket's centre to the last one's.
 */
export function seriesDrawn(
  sample: CanvasSample,
  points: TimeseriesPoint[],
  colours: SeriesColours,
): string | null {
  const plot = seriesPlot(sample, points.length, colours);
  if (typeof plot === 'string') return plot;
  const { height, centre, tallestTop, second, lineLeft, lineRight } = plot;
  const tallest = points.reduce((best, p, i) => (p.events > points[best]!.events ? i : best), 0);
  if (tallestTop.y > second + 1)
    return `the tallest bar stops at y=${tallestTop.y}, below the top interval (to y=${second})`;
  const scale = height(tallest) / points[tallest]!.events;
  for (const [i, p] of points.entries()) {
    const expected = p.events * scale;
    if (!close(height(i), expected))
      return `bucket ${i}: bar ${height(i)} px high, expected ${expected.toFixed(1)} px`;
  }
  if (lineLeft < 0 || lineLeft > centre(0) + 2 || lineRight < centre(points.length - 1) - 2)
    return `the line spans x=${lineLeft}–${lineRight}, the buckets ${centre(0)}–${centre(points.length - 1)}`;
  return null;
}

/**
 * Whole, if perhaps moving between two results (a bucket sliding out of the window): the tallest
 * bar still reaches the top interval and the line still runs across the plot. A chart that starts
 * over draws its bars from zero and unrolls its line from the left, which fails this.
 */
export function seriesWhole(sample: CanvasSample, buckets: number, colours: SeriesColours): string | null {
  const plot = seriesPlot(sample, buckets, colours);
  if (typeof plot === 'string') return plot;
  if (plot.tallestTop.y > plot.second + 1)
    return `the tallest bar stops at y=${plot.tallestTop.y}, below the top interval (to y=${plot.second})`;
  const across = plot.centre(buckets - 1) - plot.centre(0);
  if (plot.lineRight < plot.centre(0) + 0.9 * across)
    return `the line ends at x=${plot.lineRight}, short of the plot's right side (${plot.centre(buckets - 1)})`;
  return null;
}

/** Where the plot, its buckets, the bars and the line are in a sample of the events chart. */
function seriesPlot(sample: CanvasSample, buckets: number, colours: SeriesColours) {
  const lines = gridLines(sample, colours.grid, 'rows');
  if (lines.length < 2 || buckets === 0) return `${lines.length} grid lines for ${buckets} buckets`;
  const [, second] = lines as [number, number];
  // The plot's sides: the widest extent of the grid lines (a bar or the line may cover an end).
  const grid = sample.colours[colours.grid]!;
  const left = Math.min(...lines.map((y) => grid.rowMin[y]!));
  const right = Math.max(...lines.map((y) => grid.rowMax[y]!));
  const band = (right - left + 1) / buckets;
  const centre = (i: number) => Math.round(left + band * (i + 0.5));
  const bars = sample.colours[colours.bars]!;
  // Every bar stands on the zero line (hidden under the sessions line when sessions are 0).
  const baseline = Math.max(...bars.colMax) + 1;
  if (baseline === 0) return 'no bars';
  // A bar's top at its centre, ±1 px (its rounded corners are lower, and rounding may miss by one).
  const height = (i: number) =>
    Math.max(
      ...[-1, 0, 1].map((dx) => {
        const top = bars.colMin[centre(i) + dx] ?? -1;
        return top === -1 ? 0 : baseline - top;
      }),
    );
  const tops = bars.colMin.filter((y) => y !== -1);
  const y = Math.min(...tops);
  const tallestTop = { y, height: baseline - y };
  const line = sample.colours[colours.line]!;
  const lineColumns = runs(sample.width, (x) => line.colCount[x]! > 0);
  const lineLeft = lineColumns[0]?.from ?? -1;
  const lineRight = lineColumns.at(-1)?.to ?? -1;
  return { second, centre, height, tallestTop, lineLeft, lineRight };
}

/**
 * The sankey between its margins: every column from the first node to the last has paint (links
 * and nodes are continuous left to right; a clip stopped part-way leaves the right side empty),
 * and the links cover a real area.
 */
export function sankeyDrawn(sample: CanvasSample, margins: { left: number; right: number }): string | null {
  const from = margins.left + 2;
  const to = sample.width - margins.right - 2;
  const empty = runs(to - from + 1, (i) => sample.paintedPerColumn[from + i] === 0);
  if (empty.length > 0)
    return `nothing painted at x=${empty.map((r) => `${from + r.from}–${from + r.to}`).join(', ')} (of ${from}–${to})`;
  const area = sample.paintedPerColumn.slice(from, to + 1).reduce((sum, n) => sum + n, 0);
  const share = area / ((to - from + 1) * sample.rowsRead);
  return share >= 0.1 ? null : `links cover ${(share * 100).toFixed(1)} % of the sankey`;
}
