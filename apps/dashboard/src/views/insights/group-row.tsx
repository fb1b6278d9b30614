import type { InsightGroup, InsightGroupsResult } from '@sightline/schema/query-results';
import { useState } from 'react';
import type { InsightStatus } from '../../api/types';
import { formatAgo, formatCount, formatDateTime } from '../../format';
import type { TimeRange } from '../../time-range';
import { GroupSessions } from './group-sessions';
import { problemTitle } from './labels';
import { Sparkline } from './sparkline';
import { SEVERITY_CLASS, StatusActions } from './status-actions';

interface GroupRowProps {
  group: InsightGroup;
  trend: InsightGroupsResult['trend'];
  range: TimeRange;
  busy: boolean;
  onStatus(status: InsightStatus): void;
}

/** One problem: how many sessions met it, since when, its trend, and one decision for all of it. */
export function GroupRow({ group, trend, range, busy, onStatus }: GroupRowProps) {
  const [open, setOpen] = useState(false);
  const title = problemTitle(group);
  return (
    <article
      className={`problem problem-${group.status}`}
      data-testid="insight-group"
      data-problem={group.problem}
      data-status={group.status}
    >
      <header className="problem-head">
        <span className={`pill ${SEVERITY_CLASS[group.severity] ?? 'pill-muted'}`}>{group.severity}</span>
        <h3 className="problem-title">{title}</h3>
        {group.reopened ? (
          <span className="pill pill-bad" data-testid="group-reopened">
            re-opened
          </span>
        ) : null}
        <Sparkline
          values={group.trend}
          label={`${formatCount(group.insights)} insights over the range, in ${group.trend.length} steps of ${Math.round(
            trend.bucket_ms / 60_000,
          )} min`}
        />
      </header>
      <p className="problem-figures">
        <strong data-testid="group-sessions-count">{formatCount(group.sessions)}</strong> sessions ·{' '}
        {formatCount(group.insights)} insights · first seen {formatDateTime(group.first_seen)} · last seen{' '}
        {formatAgo(group.last_seen)}
      </p>
      {group.reopened ? (
        <p className="problem-reopened" role="note">
          It came back after it was last acknowledged or resolved: {formatCount(group.open)} new{' '}
          {group.open === 1 ? 'insight' : 'insights'} since.
        </p>
      ) : null}
      {group.recommended_action ? <p className="problem-advice">{group.recommended_action}</p> : null}
      <footer className="problem-foot">
        <button
          type="button"
          className="link"
          aria-expanded={open}
          data-testid="group-drill-down"
          onClick={() => setOpen((o) => !o)}
        >
          {open ? 'Hide sessions' : `Show sessions (${formatCount(group.sessions)})`}
        </button>
        <span className={`status status-${group.status}`}>{group.status}</span>
        <span className="spacer" />
        <StatusActions status={group.status} busy={busy} onStatus={onStatus} />
      </footer>
      {open ? <GroupSessions problem={group.problem} range={range} /> : null}
    </article>
  );
}
