import {
  WEB_OVERVIEW_FIGURES,
  type WebOverviewFigures,
  type WebOverviewResult,
  type WebSeriesPoint,
} from '@sightline/schema/query-results';
import { formatCount, formatDecimal, formatDuration, formatPercent } from '../../format';
import { TrendSparkline } from './trend-sparkline';

type Figure = keyof WebOverviewFigures;

interface FigureDisplay {
  label: string;
  format(value: number): string;
  /** A fall is the good direction (bounce rate). */
  lowerIsBetter?: boolean;
  /** The series field that traces this figure over the range, when the query gives one. */
  series?: Exclude<keyof WebSeriesPoint, 't'>;
}

/** How each of the query's figures reads; keyed by the result type, so none is left unlabelled. */
const FIGURES: Readonly<Record<Figure, FigureDisplay>> = {
  visitors: { label: 'Visitors', format: formatCount, series: 'visitors' },
  sessions: { label: 'Sessions', format: formatCount, series: 'sessions' },
  pageviews: { label: 'Pageviews', format: formatCount, series: 'pageviews' },
  views_per_session: { label: 'Views / session', format: formatDecimal },
  bounce_rate: { label: 'Bounce rate', format: formatPercent, lowerIsBetter: true },
  avg_session_duration_ms: { label: 'Avg. duration', format: formatDuration },
};

/** The relative change as "▲ 12.3%", and whether it went the good way; "new" after a zero. */
function changeText(change: number | null, current: number, lowerIsBetter: boolean) {
  if (change === null) return current > 0 ? { text: 'new', tone: '' } : { text: '—', tone: '' };
  if (change === 0) return { text: '± 0%', tone: '' };
  const good = change > 0 !== lowerIsBetter;
  return {
    text: `${change > 0 ? '▲' : '▼'} ${formatPercent(Math.abs(change))}`,
    tone: good ? 'text-good' : 'text-bad',
  };
}

/**
 * The six headline figures of the range, each against the period of the same length before it
 * (the change, the previous value), with the range's trend over the previous period's.
 */
export function OverviewCards({ result }: { result: WebOverviewResult }) {
  return (
    <section className="web-cards" aria-label="Headline figures">
      {WEB_OVERVIEW_FIGURES.map((figure) => {
        const display = FIGURES[figure];
        const value = result[figure];
        const change = changeText(result.change[figure], value, display.lowerIsBetter ?? false);
        const key = display.series;
        return (
          <div key={figure} className="stat web-card" data-testid={`web-${figure}`} data-value={value}>
            <div className="stat-label">{display.label}</div>
            <div className="web-card-value">
              <span className="stat-value">{display.format(value)}</span>
              <span className={`web-change ${change.tone}`} data-testid={`web-${figure}-change`}>
                {change.text}
              </span>
            </div>
            <div className="stat-detail">previous period {display.format(result.previous[figure])}</div>
            {key ? (
              <TrendSparkline
                current={result.series.current.map((p) => p[key])}
                previous={result.series.previous.map((p) => p[key])}
                label={`${display.label} over the range (solid) and the previous period (dashed)`}
              />
            ) : null}
          </div>
        );
      })}
    </section>
  );
}
