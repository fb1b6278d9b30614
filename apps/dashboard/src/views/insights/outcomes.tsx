import type { InsightOutcome } from '@sightline/schema/query-results';
import { formatCount } from '../../format';
import { typeLabel } from './labels';

/** Things that went right (a journey completed): counted, not listed for review. */
export function OutcomeCounts({ outcomes }: { outcomes: readonly InsightOutcome[] }) {
  if (outcomes.length === 0)
    return (
      <p className="outcomes muted" data-testid="insight-outcomes">
        No journeys completed in this range yet.
      </p>
    );
  return (
    <ul className="outcomes" data-testid="insight-outcomes">
      {outcomes.map((o) => (
        <li key={o.insight_type} data-testid={`outcome-${o.insight_type}`} data-count={o.count}>
          <span className="outcome-mark" aria-hidden="true">
            ✓
          </span>
          <strong>{formatCount(o.count)}</strong> {typeLabel(o.insight_type).toLowerCase()}
          <span className="muted"> in {formatCount(o.sessions)} sessions</span>
        </li>
      ))}
    </ul>
  );
}
