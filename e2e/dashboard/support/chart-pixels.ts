import type { Page } from 'playwright-core';

/** A colour the chart paints with, as `#rrggbb`. */
export type Hex = `#${string}`;

/** Where one colour was painted: per row and per column of the canvas, the extent and the count. */
export interface ColourExtent {
  /** Per row y: the leftmost / rightmost x of the colour, -1 when absent. */
  rowMin: number[];
  rowMax: number[];
  rowCount: number[];
  /** Per column x: the topmost / bottommost y of the colour, -1 when absent. */
  colMin: number[];
  colMax: number[];
  colCount: number[];
}

export interface CanvasSample {
  /** Date.now() in the page when the pixels were read (the answer reaches the test later). */
  takenAt: number;
  width: number;
  height: number;
  /** How many rows were read (all of them unless `rowStep` > 1 or `fromRow` > 0). */
  rowsRead: number;
  /** Per requested colour (by its hex). */
  colours: Record<string, ColourExtent>;
  /** Per column: how many pixels carry any paint at all (alpha > 0). */
  paintedPerColumn: number[];
}

/**
 * Reads the drawn pixels of the chart labelled `label` (its ECharts canvas) and summarises where
 * each of `colours` was painted: pixels within `tolerance` per channel and at least `minAlpha`
 * opaque (a 2 px line is mostly antialiased, so faint edges count; the canvas behind is
 * transparent, so nothing unpainted ever matches). Rows above `fromRow` (a legend) are skipped;
 * `rowStep` > 1 reads every n-th row only (a cheaper sample where only columns matter: the
 * sampler shares the page's CPU with the chart it watches). Runs in the page, so only the
 * summary crosses to the test.
 */
export async function sampleChart(
  page: Page,
  label: string,
  colours: readonly Hex[],
  { tolerance = 18, minAlpha = 60, fromRow = 0, rowStep = 1 } = {},
): Promise<CanvasSample | null> {
  return page.evaluate(
    ({ label, colours, tolerance, minAlpha, fromRow, rowStep }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`[role="img"][aria-label="${label}"] canvas`);
      const context = canvas?.getContext('2d');
      if (!canvas || !context || canvas.width === 0 || canvas.height === 0) return null;
      const { width, height } = canvas;
      const takenAt = Date.now();
      // One 32-bit word per pixel (little-endian: alpha in the top byte); most are transparent (0).
      const pixels = new Uint32Array(context.getImageData(0, 0, width, height).data.buffer);
      const rgb = colours.map((hex) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)));
      const extents = colours.map(() => ({
        rowMin: new Int32Array(height).fill(-1),
        rowMax: new Int32Array(height).fill(-1),
        rowCount: new Int32Array(height),
        colMin: new Int32Array(width).fill(-1),
        colMax: new Int32Array(width).fill(-1),
        colCount: new Int32Array(width),
      }));
      const paintedPerColumn = new Int32Array(width);
      for (let y = fromRow; y < height; y += rowStep) {
        const row = y * width;
        for (let x = 0; x < width; x++) {
          const pixel = pixels[row + x]!;
          if (pixel === 0) continue;
          paintedPerColumn[x]!++;
          if (pixel >>> 24 < minAlpha) continue;
          const r = pixel & 0xff;
          const g = (pixel >>> 8) & 0xff;
          const b = (pixel >>> 16) & 0xff;
          for (let c = 0; c < rgb.length; c++) {
            const target = rgb[c]!;
            if (
              Math.abs(r - target[0]!) > tolerance ||
              Math.abs(g - target[1]!) > tolerance ||
              Math.abs(b - target[2]!) > tolerance
            )
              continue;
            const e = extents[c]!;
            if (e.rowMin[y] === -1) e.rowMin[y] = x;
            e.rowMax[y] = x;
            e.rowCount[y]!++;
            if (e.colMin[x] === -1) e.colMin[x] = y;
            e.colMax[x] = y;
            e.colCount[x]!++;
          }
        }
      }
      const plain = (e: (typeof extents)[number]): ColourExtent => ({
        rowMin: Array.from(e.rowMin),
        rowMax: Array.from(e.rowMax),
        rowCount: Array.from(e.rowCount),
        colMin: Array.from(e.colMin),
        colMax: Array.from(e.colMax),
        colCount: Array.from(e.colCount),
      });
      return {
        takenAt,
        width,
        height,
        rowsRead: Math.ceil((height - fromRow) / rowStep),
        colours: Object.fromEntries(colours.map((hex, c) => [hex, plain(extents[c]!)])),
        paintedPerColumn: Array.from(paintedPerColumn),
      };
    },
    { label, colours: [...colours], tolerance, minAlpha, fromRow, rowStep },
  );
}

/** Runs of consecutive indexes where `present(i)` holds: bars found along one direction. */
export function runs(length: number, present: (i: number) => boolean): Array<{ from: number; to: number }> {
  const found: Array<{ from: number; to: number }> = [];
  for (let i = 0; i < length; i++) {
    if (!present(i)) continue;
    const last = found[found.length - 1];
    if (last && last.to === i - 1) last.to = i;
    else found.push({ from: i, to: i });
  }
  return found;
}

/**
 * Lines of the grid colour that cross at least `share` of the canvas: horizontal ones as rows
 * (`'rows'`) or vertical ones as columns (`'columns'`); each line as the middle of its run.
 */
export function gridLines(
  sample: CanvasSample,
  grid: Hex,
  direction: 'rows' | 'columns',
  share = 0.4,
): number[] {
  const extent = sample.colours[grid]!;
  const counts = direction === 'rows' ? extent.rowCount : extent.colCount;
  const across = direction === 'rows' ? sample.width : sample.height;
  return runs(counts.length, (i) => counts[i]! >= across * share).map((r) => Math.round((r.from + r.to) / 2));
}
