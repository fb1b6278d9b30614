/** The chart palette, the same colours as the CSS variables in styles.css. */
export const COLORS = {
  accent: '#4f46e5',
  accentSoft: '#a5b4fc',
  good: '#059669',
  warn: '#d97706',
  bad: '#dc2626',
  muted: '#6b7280',
  grid: '#e5e7eb',
  text: '#111827',
} as const;

export const SERIES_COLORS = ['#4f46e5', '#0ea5e9', '#10b981', '#f59e0b', '#ef4444', '#8b5cf6', '#14b8a6'];

/** Shared tooltip look: HTML (so it can be styled) with every text escaped by the formatters. */
export const TOOLTIP_BASE = {
  confine: true,
  backgroundColor: '#ffffff',
  borderColor: COLORS.grid,
  padding: [8, 10],
  textStyle: { color: COLORS.text, fontSize: 12 },
  extraCssText: 'box-shadow: 0 4px 16px rgba(17,24,39,.12); border-radius: 8px;',
} as const;

export const AXIS_LABEL = { color: COLORS.muted, fontSize: 11 } as const;

/** A value axis of counts: whole numbers only (no "0.5 sessions"). */
export const COUNT_AXIS = {
  type: 'value',
  minInterval: 1,
  axisLabel: AXIS_LABEL,
  splitLine: { lineStyle: { color: COLORS.grid } },
} as const;
