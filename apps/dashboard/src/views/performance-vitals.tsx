import {
  type PerformanceMetric,
  type VitalSummary,
  WEB_VITAL_RATINGS,
  WEB_VITAL_THRESHOLDS,
  WEB_VITALS,
  type WebVitalName,
  type WebVitalRating,
  type WebVitalsSummary,
} from '@sightline/schema/query-results';
import { COLORS } from '../charts/theme';
import { formatCount, formatDuration, formatPercent } from '../format';

/** Every metric's column and axis name. */
export const METRIC_LABELS: Record<PerformanceMetric, string> = {
  page_load_time: 'Page load',
  dom_ready_time: 'DOM ready',
  time_to_interactive: 'Interactive',
  lcp: 'LCP',
  inp: 'INP',
  cls: 'CLS',
  fcp: 'FCP',
  ttfb: 'TTFB',
};

/** A metric's value as read: CLS is a score, the rest are durations. */
export const formatMetric = (metric: PerformanceMetric, value: number | null) =>
  value === null ? '—' : metric === 'cls' ? value.toFixed(3) : formatDuration(value);

const RATING_TEXT: Record<WebVitalRating, { label: string; className: string; colour: string }> = {
  good: { label: 'Good', className: 'text-good', colour: COLORS.good },
  needs_improvement: { label: 'Needs improvement', className: 'text-warn', colour: COLORS.warn },
  poor: { label: 'Poor', className: 'text-bad', colour: COLORS.bad },
};

/** "good ≤ 2.5 s · poor > 4.0 s", from the one thresholds table. */
export function thresholdText(vital: WebVitalName): string {
  const { good, poor } = WEB_VITAL_THRESHOLDS[vital];
  return `good ≤ ${formatMetric(vital, good)} · poor > ${formatMetric(vital, poor)}`;
}

/** A row of the table: a page (path), a device class or everything. */
export interface VitalsRow {
  key: string;
  label: string;
  samples: number;
  vitals: WebVitalsSummary;
  /** The total row, set apart. */
  total?: boolean;
}

/** A vital's name, its p75 in its rating's colour, then the shares of page views per rating as a bar and as text. */
function VitalCell({ vital, summary }: { vital: WebVitalName; summary: VitalSummary }) {
  const label = (
    <span className="muted" style={{ fontSize: 12 }} title={thresholdText(vital)}>
      {METRIC_LABELS[vital]}{' '}
    </span>
  );
  if (summary.samples === 0)
    return (
      <div data-testid={`vital-${vital}`} data-rating="">
        {label}
        <span className="muted">—</span>
      </div>
    );
  const rating = summary.rating ? RATING_TEXT[summary.rating] : null;
  const shares = WEB_VITAL_RATINGS.map((r) => `${RATING_TEXT[r].label} ${formatPercent(summary.shares[r])}`);
  return (
    <div data-testid={`vital-${vital}`} data-rating={summary.rating ?? ''}>
      {label}
      <strong className={rating?.className}>{formatMetric(vital, summary.p75)}</strong>
      <div
        role="img"
        aria-label={`${shares.join(', ')} of ${summary.samples} page views`}
        style={{
          display: 'flex',
          height: 4,
          margin: '4px 0 2px',
          borderRadius: 2,
          overflow: 'hidden',
          background: COLORS.grid,
        }}
      >
        {WEB_VITAL_RATINGS.map((r) => (
          <span key={r} style={{ width: `${summary.shares[r] * 100}%`, background: RATING_TEXT[r].colour }} />
        ))}
      </div>
      <div style={{ fontSize: 11 }}>
        {WEB_VITAL_RATINGS.map((r, i) => (
          <span key={r} className={RATING_TEXT[r].className} data-share={r}>
            {i > 0 ? ' · ' : ''}
            {Math.round(summary.shares[r] * 100)}
          </span>
        ))}
        <span className="muted"> %</span>
      </div>
    </div>
  );
}

/**
 * p75 and rating shares of every web vital, one entry per page or device class. The vitals sit in
 * a grid that wraps (five across on a wide screen, fewer on a phone), so nothing scrolls sideways.
 */
export function VitalsTable({ rows, testId }: { rows: VitalsRow[]; testId: string }) {
  return (
    <ul data-testid={testId} style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {rows.map((row) => (
        <li
          key={row.key}
          data-testid="vitals-row"
          style={{ padding: '10px 0', borderBottom: '1px solid var(--border)' }}
        >
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 12, minWidth: 0 }}>
            <span
              className="mono truncate"
              title={row.label}
              data-testid="vitals-label"
              style={row.total ? { fontWeight: 600 } : undefined}
            >
              {row.label}
            </span>
            <span className="muted nowrap" style={{ fontSize: 12 }}>
              {formatCount(row.samples)} page views
            </span>
          </div>
          <div
            style={{
              display: 'grid',
              gridTemplateColumns: 'repeat(auto-fit, minmax(96px, 1fr))',
              gap: '6px 20px',
              marginTop: 6,
            }}
          >
            {WEB_VITALS.map((vital) => (
              <VitalCell key={vital} vital={vital} summary={row.vitals[vital]} />
            ))}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The thresholds as one line under the table, for phones where header titles never show. */
export function ThresholdsLegend() {
  return (
    <p className="muted" style={{ fontSize: 12, margin: '8px 0 0' }}>
      p75 of each page's views, coloured by Google's thresholds; under it the % of page views{' '}
      <span className="text-good">good</span> · <span className="text-warn">needs improvement</span> ·{' '}
      <span className="text-bad">poor</span>.{' '}
      {WEB_VITALS.map((vital) => `${METRIC_LABELS[vital]}: ${thresholdText(vital)}`).join('; ')}.
    </p>
  );
}
