import type { ParsedQueryArgs, SessionSort } from '@sightline/schema';
import { RISK_FACTORS } from '../../src/friction/catalogue.js';
import { ERROR_EVENTS } from '../../src/friction/error-encountered.js';
import type { EventRow } from '../../src/storage/engine.js';
import type {
  InsightRecord,
  JourneyRecord,
  SessionFrictionRecord,
} from '../../src/storage/processor-records.js';
import { makeInsight, makeJourney } from '../support/processor-records.js';
import { makeRow } from '../support/rows.js';

/**
 * The sessions list computed here, from the stored rows and processor records themselves, to
 * compare the query with: the definitions of docs/API.md (sessions) written as plain TypeScript.
 */
export interface ProcessorView {
  insights: InsightRecord[];
  journeys: JourneyRecord[];
  friction: SessionFrictionRecord[];
}

export interface ReferenceSession {
  session_id: string;
  distinct_id: string;
  first_seen: number;
  last_seen: number;
  event_count: number;
  has_error: boolean;
  pages: number;
  at_risk: boolean;
  friction_score: number;
}

type Args = ParsedQueryArgs<'sessions'>;

export function referenceSessions(
  rows: readonly EventRow[],
  processor: ProcessorView,
  projectId: string,
  range: { from: number; to: number },
  args: Partial<Args>,
): ReferenceSession[] {
  const inRange = rows.filter(
    (r) =>
      r.project_id === projectId &&
      r.session_id !== '' &&
      r.timestamp >= range.from &&
      r.timestamp < range.to,
  );
  const bySession = new Map<string, EventRow[]>();
  for (const row of inRange) bySession.set(row.session_id, [...(bySession.get(row.session_id) ?? []), row]);
  const atRisk = new Set(
    processor.insights
      .filter((i) => i.project_id === projectId && i.insight_type === 'user_at_risk')
      .map((i) => i.session_id),
  );
  const score = (id: string) =>
    Math.max(
      0,
      ...processor.friction
        .filter((f) => f.project_id === projectId && f.session_id === id)
        .map((f) => f.friction_score),
    );
  const sessions: Array<ReferenceSession & { events: EventRow[] }> = [...bySession].map(([id, events]) => ({
    session_id: id,
    distinct_id: events.map((e) => e.distinct_id).sort()[0] as string,
    first_seen: Math.min(...events.map((e) => e.timestamp)),
    last_seen: Math.max(...events.map((e) => e.timestamp)),
    event_count: events.length,
    has_error: events.some((e) => ERROR_EVENTS.includes(e.event)),
    pages: events.filter((e) => e.event === 'page_view').length,
    at_risk: atRisk.has(id),
    friction_score: score(id),
    events,
  }));
  const needle = args.search?.trim().toLowerCase();
  const matches = (s: (typeof sessions)[number]) =>
    (needle === undefined ||
      s.session_id.toLowerCase().includes(needle) ||
      s.events.some((e) => e.distinct_id.toLowerCase().includes(needle))) &&
    (args.has_error === undefined || s.has_error === args.has_error) &&
    (args.at_risk === undefined || s.at_risk === args.at_risk) &&
    (args.journey_status === undefined ||
      processor.journeys.some(
        (j) =>
          j.project_id === projectId && j.session_id === s.session_id && j.status === args.journey_status,
      )) &&
    (args.factor === undefined ||
      processor.friction.some(
        (f) =>
          f.project_id === projectId &&
          f.session_id === s.session_id &&
          Number((f.factors as Record<string, number>)[args.factor as string] ?? 0) > 0,
      )) &&
    (args.page === undefined || s.events.some((e) => e.path === args.page)) &&
    (args.browser === undefined ||
      s.events.some((e) => e.browser.toLowerCase() === args.browser?.toLowerCase())) &&
    (args.device === undefined ||
      s.events.some((e) => e.device.toLowerCase() === args.device?.toLowerCase()));
  const sort: SessionSort = args.sort ?? 'last_seen';
  return sessions
    .filter(matches)
    .sort(
      (a, b) => b[sort] - a[sort] || (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0),
    )
    .map(({ events: _events, ...session }) => session);
}

const PATHS = ['/', '/upload', '/pricing', '/Upload', '/a%b', '/a_b'];
const NAMES = ['page_view', 'click', 'file_selected', 'upload_started', ...ERROR_EVENTS, 'page_performance'];
const BROWSERS = ['Chrome', 'Firefox', 'Mobile Safari', 'Edge'];
const DEVICES = ['desktop', 'mobile', 'tablet'];

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;

/**
 * Random sessions over `hours` hours from `start`: two projects, ids with mixed case and the
 * characters LIKE would read as wildcards, sessions that cross hour edges and change distinct id,
 * events without a session. Shuffled, so later inserts hold late events for earlier hours.
 */
export function randomRows(random: () => number, start: number, hours: number, sessions: number): EventRow[] {
  const rows: EventRow[] = [];
  for (let s = 0; s < sessions; s++) {
    const project = random() < 0.15 ? 'other' : 'p1';
    const id = random() < 0.04 ? '' : `${pick(random, ['S', 's', 'Sess_', 'ses%'])}${s}`;
    const users = [`User-${Math.floor(random() * 80)}`, `u_${Math.floor(random() * 80)}`];
    const browser = pick(random, BROWSERS);
    const device = pick(random, DEVICES);
    const begin = start + Math.floor(random() * hours * 3600) * 1000;
    const count = 1 + Math.floor(random() * 14);
    for (let i = 0; i < count; i++) {
      rows.push(
        makeRow({
          project_id: project,
          uuid: `${project}-${s}-${i}`,
          event: pick(random, NAMES),
          session_id: id,
          distinct_id: random() < 0.2 ? (users[1] as string) : (users[0] as string),
          // Whole seconds over 100 minutes: ties, and sessions across hour edges.
          timestamp: begin + Math.floor(random() * 6000) * 1000,
          path: pick(random, PATHS),
          browser: random() < 0.9 ? browser : pick(random, BROWSERS),
          device,
        }),
      );
    }
  }
  for (let i = rows.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [rows[i], rows[j]] = [rows[j] as EventRow, rows[i] as EventRow];
  }
  return rows;
}

/** Insights, journeys and friction for about a third of the sessions of `rows` (each project). */
export function randomProcessorView(random: () => number, rows: readonly EventRow[]): ProcessorView {
  const sessions = [
    ...new Map(
      rows.filter((r) => r.session_id !== '').map((r) => [`${r.project_id}/${r.session_id}`, r]),
    ).values(),
  ];
  const view: ProcessorView = { insights: [], journeys: [], friction: [] };
  sessions.forEach((row, i) => {
    const base = { project_id: row.project_id, session_id: row.session_id, distinct_id: row.distinct_id };
    if (random() < 0.3)
      view.insights.push(
        makeInsight({
          ...base,
          id: `ins-${i}`,
          insight_type: random() < 0.7 ? 'user_at_risk' : 'journey_completed',
        }),
      );
    if (random() < 0.3)
      view.journeys.push(
        makeJourney({
          ...base,
          id: `jny-${i}`,
          status: pick(random, ['active', 'completed', 'abandoned'] as const),
        }),
      );
    if (random() < 0.35) {
      const factor = pick(random, RISK_FACTORS);
      view.friction.push({
        ...base,
        friction_score: Math.round(random() * 40) / 4,
        factors: { [factor]: 1 },
        updated_at: 0,
      });
    }
  });
  return view;
}
