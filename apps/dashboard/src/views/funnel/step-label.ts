import type { FunnelStepResult } from '@sightline/schema/query-results';
import { describeFilter } from '../../components/filter-labels';

/** A result step as it reads: its event, and its own filters when it has some. */
export function stepLabel(step: FunnelStepResult): string {
  const filters = step.filters ?? [];
  return filters.length === 0 ? step.step : `${step.step} (${filters.map(describeFilter).join(', ')})`;
}
