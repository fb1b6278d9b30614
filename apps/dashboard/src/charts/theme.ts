/** The chart palette, the same colours as the CSS variables in styles.css. */
export const COLORS = {
  accent: '#4f46e5',
  accentSoft: '#a5b4fc',
  accentDeep: '#312e81',
  /** A second series beside the accent one (sessions beside events). */
  secondary: '#0ea5e9',
  good: '#059669',
  warn: '#d97706',
  bad: '#dc2626',
  muted: '#6b7280',
  grid: '#e5e7eb',
  text: '#111827',
  /** Text drawn on an accent (or warning) fill. */
  onFill: '#ffffff',
} as const;

export const SERIES_COLORS = ['#4f46e5', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#14b8a6'];

/**
 * A series colour chosen by the name itself (a string hash), not by position: when a live result
 * reorders its items, each keeps its colour instead of the colours swapping at every push.
 */
export function colorFor(name: string): string {
  let hash = 5381;
  for (let i = 0; i < name.length; i++) hash = ((hash * 33) ^ name.charCodeAt(i)) >>> 0;
  return SERIES_COLORS[hash % SERIES_COLORS.length]!;
}

/** Shared tooltip look: HTML (so it can be styled) with every text escaped by the formatters. */
export const TOOLTIP_BASE = {
  confine: true,
  backgroundColor: '#ffffff',
  borderColor: COLORS.grid,
  padding: [8, 10],
  textStyle: { color: COLORS.text, fontSize: 12 },
  extraCssText: 'box-shadow: 0 4px 16px rgba(17,24,39,.12); border-radius: 8px;',
} as const;

/** Axis labels; the line height spaces names wrapped onto several lines (charts/wrap-name.ts). */
export const AXIS_LABEL = { color: COLORS.muted, fontSize: 11, lineHeight: 13 } as const;

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
/** Axis numbers short enough for a phone: 950, 1.2K, 3.4M (bars and tooltips keep exact counts). */
export const formatAxisCount = (value: number): string => compact.format(value);

/**
 * A value axis of counts: whole numbers only (no "0.5 sessions"), short numbers, and labels that
 * would touch at phone width left out rather than run together.
 */
export const COUNT_AXIS = {
  type: 'value',
  minInterval: 1,
  axisLabel: { ...AXIS_LABEL, formatter: formatAxisCount, hideOverlap: true },
  splitLine: { lineStyle: { color: COLORS.grid } },
} as const;
