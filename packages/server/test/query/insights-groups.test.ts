import type { InsightGroupsResult, InsightsResult } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WriteNotices } from '../../src/live/write-notices.js';
import { InsightStatuses } from '../../src/processor/insight-statuses.js';
import { problemOf } from '../../src/processor/problem-key.js';
import { insightGroupsQuery } from '../../src/query/insight-groups.js';
import { insightsQuery } from '../../src/query/insights.js';
import type { DataSet } from '../../src/query/reads.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { makeBatch, makeInsight } from '../support/processor-records.js';
import { type ExpectedInsight, generateInsights } from './insights-support.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const FROM = 1_700_000_000_000;
const SPAN = 3_600_000;
const RANGE = { from: FROM, to: FROM + SPAN };
const UPLOAD_STALL = problemOf('user_at_risk', ['upload_stall'], '/upload')!.problem;

/** The groups the query must answer, from the generated rows (outcomes left out). */
function expectedGroups(rows: readonly ExpectedInsight[]) {
  const groups = new Map<string, ExpectedInsight[]>();
  for (const r of rows) {
    if (r.record.insight_type === 'journey_completed') continue;
    groups.set(r.problem, [...(groups.get(r.problem) ?? []), r]);
  }
  return [...groups].map(([problem, members]) => {
    const statuses = members.map((m) => m.record.status);
    return {
      problem,
      insights: members.length,
      sessions: new Set(members.map((m) => m.record.session_id)).size,
      first_seen: Math.min(...members.map((m) => m.record.generated_at)),
      last_seen: Math.max(...members.map((m) => m.record.generated_at)),
      open: statuses.filter((s) => s === 'open').length,
      status: statuses.includes('open')
        ? 'open'
        : statuses.includes('acknowledged')
          ? 'acknowledged'
          : 'resolved',
    };
  });
}

describe.each(ENGINES)('insight groups on $name', (kind) => {
  let engine: StorageEngine;
  let rows: ExpectedInsight[];
  let checkpoint = 1;
  const notified: Array<[string, DataSet[]]> = [];
  let statuses: InsightStatuses;
  const groupsOf = async (projectId: string, args: Record<string, unknown> = {}) =>
    (await runQuery(
      engine,
      insightGroupsQuery,
      projectId,
      { time_range: RANGE, limit: 500, ...args },
      RANGE.to,
    )) as InsightGroupsResult;

  beforeAll(async () => {
    engine = await openTestEngine(kind);
    rows = generateInsights('p1', 1_100, FROM, SPAN);
    const other = generateInsights('p2', 200, FROM, SPAN, 2);
    await engine.commitProcessorBatch(
      makeBatch({ checkpoint: 1, insights: [...rows, ...other].map((r) => r.record) }),
    );
    const notices = new WriteNotices();
    notices.onWrite((projectId, sets) => notified.push([projectId, [...sets]]));
    statuses = new InsightStatuses(engine, notices);
  });
  afterAll(() => engine?.close());

  it('groups problems by key with sessions, first / last seen, trend and status; outcomes as counts', async () => {
    const result = await groupsOf('p1');
    const expected = expectedGroups(rows);
    expect(result.total_groups).toBe(expected.length);
    expect(
      result.groups
        .map(({ problem, insights, sessions, first_seen, last_seen, open, status }) => ({
          problem,
          insights,
          sessions,
          first_seen,
          last_seen,
          open,
          status,
        }))
        .sort((a, b) => (a.problem < b.problem ? -1 : 1)),
    ).toEqual(expected.sort((a, b) => (a.problem < b.problem ? -1 : 1)));
    // Most sessions first; each trend adds up to its insights, over the whole range.
    for (let i = 1; i < result.groups.length; i++)
      expect(result.groups[i - 1]!.sessions).toBeGreaterThanOrEqual(result.groups[i]!.sessions);
    for (const g of result.groups) {
      expect(g.trend.length).toBe(result.trend.buckets);
      expect(g.trend.reduce((a, b) => a + b, 0)).toBe(g.insights);
    }
    expect(result.trend.from).toBeLessThanOrEqual(RANGE.from);
    expect(result.trend.from + result.trend.buckets * result.trend.bucket_ms).toBeGreaterThanOrEqual(
      RANGE.to,
    );
    const stall = result.groups.find((g) => g.problem === UPLOAD_STALL)!;
    expect(stall).toMatchObject({ insight_type: 'user_at_risk', factor: 'upload_stall', path: '/upload' });
    expect(stall.recommended_action).toEqual(expect.any(String));
    const completed = rows.filter((r) => r.record.insight_type === 'journey_completed');
    expect(result.outcomes).toEqual([
      {
        insight_type: 'journey_completed',
        count: completed.length,
        sessions: new Set(completed.map((r) => r.record.session_id)).size,
      },
    ]);
    // Filters: by factor, and by the group status.
    const byFactor = await groupsOf('p1', { factor: 'upload_stall' });
    expect(byFactor.groups.every((g) => g.factor === 'upload_stall')).toBe(true);
    expect(byFactor.total_groups).toBe(
      expected.filter((g) => g.problem.startsWith('user_at_risk:upload_stall:')).length,
    );
    const resolved = await groupsOf('p1', { status: 'resolved' });
    expect(resolved.total_groups).toBe(expected.filter((g) => g.status === 'resolved').length);
  });

  it("resolves a group's insights up to now, re-opens it when the problem comes back, and leaves other projects alone", async () => {
    const otherBefore = await groupsOf('p2');
    notified.length = 0;
    const decidedAt = FROM + 10 * SPAN;
    const updated = await statuses.setGroup('p1', UPLOAD_STALL, 'resolved', decidedAt);
    const members = rows.filter((r) => r.problem === UPLOAD_STALL);
    expect(updated).toBe(members.filter((r) => r.record.status !== 'resolved').length);
    expect(notified).toEqual([['p1', ['insights']]]);
    let stall = (await groupsOf('p1')).groups.find((g) => g.problem === UPLOAD_STALL)!;
    expect(stall).toMatchObject({ status: 'resolved', open: 0, reopened: false });
    const drill = (await runQuery(
      engine,
      insightsQuery,
      'p1',
      { time_range: RANGE, problem: UPLOAD_STALL, limit: 1000 },
      RANGE.to,
    )) as InsightsResult;
    expect(drill.counts.by_status).toEqual({ open: 0, acknowledged: 0, resolved: members.length });

    // The problem comes back: a new insight of it is stored (open) after the decision.
    await engine.commitProcessorBatch(
      makeBatch({
        checkpoint: ++checkpoint,
        insights: [
          makeInsight({
            id: 'ins_back',
            project_id: 'p1',
            session_id: 's-back',
            generated_at: RANGE.to - 1000,
            created_at: decidedAt + 5000,
            data: { risk_factors: ['upload_stall'], recommended_actions: [], evidence: [] },
            problem: UPLOAD_STALL,
            factor: 'upload_stall',
          }),
        ],
      }),
    );
    stall = (await groupsOf('p1')).groups.find((g) => g.problem === UPLOAD_STALL)!;
    expect(stall).toMatchObject({ status: 'open', open: 1, reopened: true, insights: members.length + 1 });

    // Nothing of p2 changed, though it has insights of the same problem key.
    expect(otherBefore.groups.some((g) => g.problem === UPLOAD_STALL)).toBe(true);
    expect(await groupsOf('p2')).toEqual(otherBefore);
    expect(
      await statuses.setGroup('p1', 'user_at_risk:upload_stall:/nowhere', 'resolved', decidedAt),
    ).toBeNull();
    expect(await statuses.setGroup('p3', UPLOAD_STALL, 'resolved', decidedAt)).toBeNull();
  });
});
