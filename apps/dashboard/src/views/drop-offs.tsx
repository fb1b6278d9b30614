import { useLiveQuery } from '@sightline/react';
import type { FrictionKind } from '../api/types';
import { Panel } from '../components/panel';
import { Empty, Loading } from '../components/states';
import { formatCount, formatPercent } from '../format';
import { useRange } from '../use-range';
import { funnelLabel, SettingsLink } from './settings/settings-link';

/** Labels of the friction catalogue's factors, in catalogue order. */
export const FRICTION_LABELS: Record<FrictionKind, string> = {
  rapid_clicking: 'Rapid clicking',
  rage_click: 'Rage clicks',
  dead_click: 'Dead clicks',
  potential_abandonment: 'Long pauses',
  error_encountered: 'Errors',
  slow_page: 'Slow pages',
  upload_stall: 'Stalled uploads',
};

/**
 * Steps of the project's key funnel where many sessions stop (over 30 % or the largest drop), with
 * the friction the processor detected in those sessions and what to do about it. Without a key
 * funnel there is nothing to measure: it says how to set one.
 */
export function DropOffsView() {
  const range = useRange();
  const result = useLiveQuery('drop_offs', { time_range: range });
  return (
    <Panel
      title="Where sessions stop"
      hint={
        result?.key_funnel
          ? `Key funnel ${funnelLabel(result.key_funnel.steps)}; a step is listed when its drop exceeds 30 % or is the largest.`
          : 'Over the key funnel; a step is listed when its drop exceeds 30 % or is the largest.'
      }
    >
      {!result ? (
        <Loading height={200} />
      ) : !result.key_funnel ? (
        <Empty height={200}>
          <span data-testid="drop-offs-no-funnel">
            No key funnel yet: <SettingsLink>Set your key funnel</SettingsLink> to see where sessions stop.
          </span>
        </Empty>
      ) : result.drop_off_points.length === 0 ? (
        <Empty height={200}>
          No drop-off points: no sessions started the funnel in this range, or none dropped.
        </Empty>
      ) : (
        <div className="dropoff-list">
          {result.drop_off_points.map((point) => (
            <article key={point.step} className="dropoff" data-testid="drop-off">
              <div className="dropoff-rate">
                <span className="dropoff-value">{formatPercent(point.drop_off)}</span>
                <span className="muted">drop-off</span>
              </div>
              <div className="dropoff-body">
                <h3 className="mono">{point.step}</h3>
                <p className="muted" data-testid="drop-off-summary">
                  {formatCount(point.dropped_sessions)} sessions stopped before this step.{' '}
                  {point.dominant_friction
                    ? `Friction the processor detected most often in them: ${FRICTION_LABELS[
                        point.dominant_friction
                      ].toLowerCase()}, in ${formatCount(point.friction[point.dominant_friction])} (${formatPercent(
                        point.friction[point.dominant_friction] / point.dropped_sessions,
                      )}).`
                    : 'The processor detected no friction in them.'}
                </p>
                <p className="recommendation">
                  <span className="recommendation-label">Recommendation</span> {point.recommendation}
                </p>
                <p className="muted friction-tags-label">Dropped sessions with each factor detected:</p>
                <ul className="friction-tags" aria-label="Dropped sessions with each factor detected">
                  {(Object.keys(FRICTION_LABELS) as FrictionKind[]).map((kind) => (
                    <li
                      key={kind}
                      className={(point.friction[kind] ?? 0) > 0 ? 'pill pill-warn' : 'pill pill-muted'}
                    >
                      {FRICTION_LABELS[kind]} {formatCount(point.friction[kind] ?? 0)}
                    </li>
                  ))}
                </ul>
              </div>
            </article>
          ))}
        </div>
      )}
    </Panel>
  );
}
