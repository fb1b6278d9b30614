import { useLiveQuery } from '@sightline/react';
import type { DropOffs, FrictionKind } from '../api/types';
import { Panel } from '../components/panel';
import { Empty, Loading } from '../components/states';
import { formatCount, formatPercent } from '../format';
import { useRange } from '../use-range';
import { DEFAULT_STEPS } from './funnel/funnel-params';

const FRICTION_LABELS: Record<FrictionKind, string> = {
  errors: 'Errors',
  rage_clicks: 'Rage clicks',
  dead_clicks: 'Dead clicks',
  slow_loads: 'Slow loads',
  stalled_uploads: 'Stalled uploads',
};

/**
 * Steps of the default funnel where many sessions stop (over 30 % or the largest drop), with the
 * friction those sessions met and what to do about it.
 */
export function DropOffsView() {
  const range = useRange();
  const result = useLiveQuery<DropOffs>('drop_offs', { time_range: range });
  return (
    <Panel
      title="Where sessions stop"
      hint={`Funnel ${DEFAULT_STEPS.join(' → ')}; a step is listed when its drop exceeds 30 % or is the largest.`}
    >
      {!result ? (
        <Loading height={200} />
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
                <p className="muted">
                  {formatCount(point.dropped_sessions)} sessions stopped before this step
                  {point.dominant_friction
                    ? `; most met ${FRICTION_LABELS[point.dominant_friction].toLowerCase()}`
                    : ''}
                  .
                </p>
                <p className="recommendation">
                  <span className="recommendation-label">Recommendation</span> {point.recommendation}
                </p>
                <ul className="friction-tags">
                  {(Object.keys(FRICTION_LABELS) as FrictionKind[]).map((kind) => (
                    <li
                      key={kind}
                      className={point.friction[kind] > 0 ? 'pill pill-warn' : 'pill pill-muted'}
                    >
                      {FRICTION_LABELS[kind]} {formatCount(point.friction[kind])}
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
