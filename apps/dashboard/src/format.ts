/** Number and time formatting, one place so every view reads the same. */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const formatCount = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : integer.format(n);

export const formatDecimal = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '—' : oneDecimal.format(n);

/** A fraction 0..1 as a percentage. */
export const formatPercent = (fraction: number | null | undefined): string =>
  fraction === null || fraction === undefined || !Number.isFinite(fraction)
    ? '—'
    : `${oneDecimal.format(fraction * 100)}%`;

/** Milliseconds, readable: 840 ms, 2.4 s, 3.1 min, 1.2 h. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${integer.format(ms)} ms`;
  if (ms < 60_000) return `${oneDecimal.format(ms / 1000)} s`;
  if (ms < 3_600_000) return `${oneDecimal.format(ms / 60_000)} min`;
  return `${oneDecimal.format(ms / 3_600_000)} h`;
}

const dateTime = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});
const timeOnly = new Intl.DateTimeFormat('en-US', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

export const formatDateTime = (ms: number): string => dateTime.format(ms);
export const formatTime = (ms: number): string => timeOnly.format(ms);

/** "3 s ago", "5 min ago": relative to `now`. */
export function formatAgo(ms: number, now = Date.now()): string {
  const d = Math.max(0, now - ms);
  if (d < 60_000) return `${Math.round(d / 1000)} s ago`;
  if (d < 3_600_000) return `${Math.round(d / 60_000)} min ago`;
  if (d < 86_400_000) return `${Math.round(d / 3_600_000)} h ago`;
  return `${Math.round(d / 86_400_000)} d ago`;
}

/** snake_case identifiers (risk factors, actions) as words: `rage_click` → `rage click`. */
export const humanize = (id: string): string => id.replace(/_/g, ' ');
