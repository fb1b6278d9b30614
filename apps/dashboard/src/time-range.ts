/** The time range every query takes (docs/API.md): a preset, or `{ from, to }` in ms. */
export type Preset = '1h' | '24h' | '7d' | '30d';
export type TimeRange = Preset | { from: number; to: number };
export type Interval = 'minute' | 'hour' | 'day';

export const PRESETS: ReadonlyArray<{ value: Preset; label: string }> = [
  { value: '1h', label: '1h' },
  { value: '24h', label: '24h' },
  { value: '7d', label: '7d' },
  { value: '30d', label: '30d' },
];

const PRESET_MS: Record<Preset, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

const isPreset = (value: string | null): value is Preset => value !== null && value in PRESET_MS;

/** `?range=7d`, or `?range=custom&from=<ms>&to=<ms>`; anything else is the default 24h. */
export function rangeFromParams(params: URLSearchParams): TimeRange {
  const range = params.get('range');
  if (isPreset(range)) return range;
  if (range === 'custom') {
    const from = Number(params.get('from'));
    const to = Number(params.get('to'));
    if (Number.isFinite(from) && Number.isFinite(to) && from > 0 && from < to) return { from, to };
  }
  return '24h';
}

export const rangeDurationMs = (range: TimeRange): number =>
  typeof range === 'string' ? PRESET_MS[range] : range.to - range.from;

/** A bucket size giving a readable chart: ~60 minutes, 24–168 hours, or days. */
export function intervalFor(range: TimeRange): Interval {
  const ms = rangeDurationMs(range);
  if (ms <= 3 * 3_600_000) return 'minute';
  if (ms <= 8 * 86_400_000) return 'hour';
  return 'day';
}

export function describeRange(range: TimeRange): string {
  if (typeof range === 'string') return `last ${range}`;
  const f = (ms: number) => new Date(ms).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
  return `${f(range.from)} – ${f(range.to)}`;
}
