import { dequal } from 'dequal/lite';
import type { EChartsCoreOption, SetOptionOpts } from 'echarts/core';

/**
 * How a live chart takes a new option. Live results arrive as complete values up to every 250 ms;
 * the chart must change in place, not start over.
 *
 * - Every series gets a stable id. ECharts' `replaceMerge` keeps a series only when the new option
 *   names the same id; without one it disposes the series and builds a new one, which replays the
 *   one-second opening animation (bars grow from zero, lines and sankeys unroll from the left) at
 *   every push, so under live traffic the chart never finishes drawing.
 * - The first draw has a short opening animation; later ones a shorter transition, so a push
 *   moves a bar or a line to its new value instead of replaying the opening. Both are set on each
 *   series as well: a series type's own defaults win over the option's top level (the sankey's
 *   opening would otherwise take its default 1000 ms).
 * - An option equal by value to the one drawn is not applied at all.
 */

/**
 * The first draw grows in, but briefly: a live view should show its numbers, and the whole chart
 * stands complete well within 2 s of opening even when the first result takes a second to come.
 */
export const OPENING_ANIMATION_MS = 600;

/** Shorter than the fastest live push (250 ms), so a transition ends before the next one starts. */
export const UPDATE_TRANSITION_MS = 200;

const UPDATE_ANIMATION = {
  animationDuration: UPDATE_TRANSITION_MS,
  animationDurationUpdate: UPDATE_TRANSITION_MS,
  animationEasingUpdate: 'cubicOut',
  animationDelay: 0,
  animationDelayUpdate: 0,
} as const;

type SeriesOption = Record<string, unknown> & { id?: unknown; name?: unknown; type?: unknown };

/**
 * A series without an id gets one from its type and name (or its position when unnamed): the same
 * series keeps its id from one result to the next, and one that disappears from the result takes
 * its id with it, so replaceMerge removes it.
 */
export function withSeriesIds(option: EChartsCoreOption): EChartsCoreOption {
  return mapSeries(option, (s, i) =>
    s.id === undefined ? { ...s, id: `${String(s.type)}:${String(s.name ?? i)}` } : s,
  );
}

function mapSeries(
  option: EChartsCoreOption,
  change: (series: SeriesOption, index: number) => SeriesOption,
): EChartsCoreOption {
  const series = option['series'] as SeriesOption | SeriesOption[] | undefined;
  if (!series) return option;
  const list = Array.isArray(series) ? series : [series];
  return { ...option, series: list.map(change) };
}

/**
 * What to pass to setOption to go from the option drawn (`drawn`, null before the first draw) to
 * `next`, or null when they are equal by value and nothing needs drawing. Functions (formatters)
 * compare by identity: define them once at module level and let them read what they show from
 * their params (data items may carry extra fields), so an unchanged result gives an equal option.
 */
export function nextOption(
  drawn: EChartsCoreOption | null,
  next: EChartsCoreOption,
): EChartsCoreOption | null {
  if (drawn !== null && dequal(drawn, next)) return null;
  const option = withSeriesIds(next);
  if (drawn === null) {
    // A duration the view set (for the chart or a series) is kept; the update transition is not optional.
    const opening = { animationDuration: option['animationDuration'] ?? OPENING_ANIMATION_MS };
    return mapSeries({ ...option, ...opening }, (s) => ({ ...opening, ...s }));
  }
  return mapSeries({ ...option, ...UPDATE_ANIMATION }, (s) => ({ ...s, ...UPDATE_ANIMATION }));
}

/**
 * Merge the rest, replace the series: a series or data point missing from the result goes. Later
 * results are drawn on the next animation frame (several in one frame make one render).
 */
export const SET_OPTION_OPTS: SetOptionOpts = { replaceMerge: ['series'], lazyUpdate: true };

/**
 * The first result is drawn at once, before the chart's ResizeObserver first reports: ECharts
 * renders a resize without animation, and a sankey first rendered by a resize (a lazy first
 * update still pending) keeps the clip of its opening animation, at its first width, for good.
 */
export const FIRST_SET_OPTION_OPTS: SetOptionOpts = { ...SET_OPTION_OPTS, lazyUpdate: false };
