import type { PageRow, PageSort, QueryFilter, WebOverviewFigures, WebSeriesPoint } from '@sightline/schema';
import type { EventRow } from '../../src/storage/engine.js';
import { matchesFilters } from './filters-reference.js';

/**
 * web_overview and pages computed by brute force from the rows, following docs/SEMANTICS.md (Web
 * analytics) word by word; the random test compares the queries with these. Rows are in insertion
 * (seq) order and the generator gives no two events of a session the same timestamp.
 */

interface Bounds {
  from: number;
  to: number;
}

const inPeriod = (rows: readonly EventRow[], project: string, { from, to }: Bounds) =>
  rows.filter((r) => r.project_id === project && r.timestamp >= from && r.timestamp < to);

const isPageView = (r: EventRow) => r.event === 'page_view';

function distinctCount(values: Iterable<string>): number {
  return new Set([...values].filter((v) => v !== '')).size;
}

/** Every event of each session of the period (non-empty ids), in (timestamp, insertion) order. */
function bySession(events: readonly EventRow[]): Map<string, EventRow[]> {
  const sessions = new Map<string, EventRow[]>();
  for (const e of events) {
    if (e.session_id === '') continue;
    const list = sessions.get(e.session_id) ?? [];
    list.push(e);
    sessions.set(e.session_id, list);
  }
  for (const list of sessions.values()) list.sort((a, b) => a.timestamp - b.timestamp);
  return sessions;
}

/** Sessions with at least one matching event in the period. */
const matchedSessions = (events: readonly EventRow[], filters: readonly QueryFilter[]) =>
  new Set(events.filter((e) => e.session_id !== '' && matchesFilters(e, filters)).map((e) => e.session_id));

export function referenceFigures(
  rows: readonly EventRow[],
  project: string,
  period: Bounds,
  filters: readonly QueryFilter[] = [],
): WebOverviewFigures {
  const events = inPeriod(rows, project, period);
  const matching = events.filter((e) => matchesFilters(e, filters));
  const pageviews = matching.filter(isPageView).length;
  const counted = matchedSessions(events, filters);
  const sessions = bySession(events);
  let landed = 0;
  let bounces = 0;
  let duration = 0;
  for (const id of counted) {
    const list = sessions.get(id) ?? [];
    const views = list.filter(isPageView).length;
    if (views > 0) landed++;
    if (views === 1) bounces++;
    duration += (list.at(-1)?.timestamp ?? 0) - (list[0]?.timestamp ?? 0);
  }
  return {
    visitors: distinctCount(matching.map((e) => e.distinct_id)),
    sessions: counted.size,
    pageviews,
    views_per_session: counted.size > 0 ? pageviews / counted.size : 0,
    bounce_rate: landed > 0 ? bounces / landed : 0,
    avg_session_duration_ms: counted.size > 0 ? duration / counted.size : 0,
  };
}

/** The sparkline of a period over the points `from + k · bucket_ms` (k < buckets); sessions by their first event. */
export function referenceSeries(
  rows: readonly EventRow[],
  project: string,
  period: Bounds,
  layout: { from: number; bucket_ms: number; buckets: number },
  filters: readonly QueryFilter[] = [],
): WebSeriesPoint[] {
  const events = inPeriod(rows, project, period);
  const matching = events.filter((e) => matchesFilters(e, filters));
  const counted = matchedSessions(events, filters);
  const starts = [...bySession(events)]
    .filter(([id]) => counted.has(id))
    .map(([, list]) => list[0]?.timestamp ?? 0);
  return Array.from({ length: layout.buckets }, (_, k) => {
    const t = layout.from + k * layout.bucket_ms;
    const inPoint = (at: number) => at >= t && at < t + layout.bucket_ms;
    const matchingInPoint = matching.filter((e) => inPoint(e.timestamp));
    return {
      t,
      visitors: distinctCount(matchingInPoint.map((e) => e.distinct_id)),
      sessions: starts.filter(inPoint).length,
      pageviews: matchingInPoint.filter(isPageView).length,
    };
  });
}

export function referencePages(
  rows: readonly EventRow[],
  project: string,
  period: Bounds,
  filters: readonly QueryFilter[],
  sort: PageSort,
  limit: number,
): PageRow[] {
  const events = inPeriod(rows, project, period);
  const counted = matchedSessions(events, filters);
  const stats = new Map<
    string,
    {
      views: number;
      visitors: Set<string>;
      entries: number;
      exits: number;
      bounces: number;
      time: number;
      timed: number;
    }
  >();
  const statsOf = (path: string) => {
    let s = stats.get(path);
    if (!s) {
      s = { views: 0, visitors: new Set(), entries: 0, exits: 0, bounces: 0, time: 0, timed: 0 };
      stats.set(path, s);
    }
    return s;
  };
  for (const view of events.filter(
    (e) => isPageView(e) && e.session_id === '' && matchesFilters(e, filters),
  )) {
    const s = statsOf(view.path);
    s.views++;
    if (view.distinct_id !== '') s.visitors.add(view.distinct_id);
  }
  for (const [id, list] of bySession(events)) {
    const views = list.filter(isPageView);
    const end = list.at(-1)?.timestamp ?? 0;
    views.forEach((view, i) => {
      const s = statsOf(view.path);
      if (matchesFilters(view, filters)) {
        s.views++;
        if (view.distinct_id !== '') s.visitors.add(view.distinct_id);
        s.time += (views[i + 1]?.timestamp ?? end) - view.timestamp;
        s.timed++;
      }
      if (!counted.has(id)) return;
      if (i === 0) s.entries++;
      if (i === views.length - 1) s.exits++;
      if (views.length === 1) s.bounces++;
    });
  }
  const pages: PageRow[] = [...stats]
    .filter(([, s]) => s.views > 0)
    .map(([path, s]) => ({
      path,
      views: s.views,
      visitors: s.visitors.size,
      entries: s.entries,
      exits: s.exits,
      bounce_rate: s.entries > 0 ? s.bounces / s.entries : 0,
      avg_time_on_page_ms: s.timed > 0 ? s.time / s.timed : null,
    }))
    .filter((p) => (sort === 'entries' || sort === 'exits' ? p[sort] > 0 : true));
  // Byte order of the UTF-8 text, as both engines compare strings.
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  pages.sort((a, b) => b[sort] - a[sort] || Buffer.compare(bytes(a.path), bytes(b.path)));
  return pages.slice(0, limit);
}
