import type { InsightsResult, QueryArgs } from '@sightline/schema/query-results';
import { dashboardFetch, jsonOrThrow } from '../auth/dashboard-fetch';
import type { InsightStatus } from './types';

/**
 * `POST /v1/insights/:id/status` (the sign-in cookie). The insights live query pushes the new
 * status by itself (a status change is a processor write), so the caller does not refetch.
 */
export async function setInsightStatus(id: string, status: InsightStatus): Promise<void> {
  await jsonOrThrow(
    await dashboardFetch(`/v1/insights/${encodeURIComponent(id)}/status`, {
      method: 'POST',
      body: JSON.stringify({ status }),
    }),
  );
}

/**
 * `PUT /v1/insight-groups/status`: every insight of the problem stored up to now gets `status`;
 * the live `insight_groups` and `insights` queries push the change by themselves.
 */
export async function setInsightGroupStatus(problem: string, status: InsightStatus): Promise<number> {
  const body = await jsonOrThrow<{ updated: number }>(
    await dashboardFetch('/v1/insight-groups/status', {
      method: 'PUT',
      body: JSON.stringify({ problem, status }),
    }),
  );
  return body.updated;
}

/** One page of the `insights` query, once (older pages of a list: they do not change as new insights arrive). */
export async function fetchInsightsPage(args: QueryArgs<'insights'>): Promise<InsightsResult> {
  return jsonOrThrow<InsightsResult>(
    await dashboardFetch('/v1/query/insights', { method: 'POST', body: JSON.stringify(args) }),
  );
}
