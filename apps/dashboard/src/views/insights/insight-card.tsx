import type { Insight, InsightStatus } from '../../api/types';
import { formatDateTime, humanize } from '../../format';
import { updateParams } from '../../url-state';
import { SEVERITY_CLASS, StatusActions } from './status-actions';

interface InsightCardProps {
  insight: Insight;
  busy: boolean;
  onStatus(status: InsightStatus): void;
}

/** One insight: what was seen, what to do about it, and acknowledge / resolve. */
export function InsightCard({ insight, busy, onStatus }: InsightCardProps) {
  const factors = insight.data.risk_factors ?? [];
  const actions = insight.data.recommended_actions ?? [];
  return (
    <article
      className={`insight insight-${insight.status}`}
      data-testid="insight"
      data-insight-id={insight.id}
    >
      <header className="insight-head">
        <span className={`pill ${SEVERITY_CLASS[insight.severity] ?? 'pill-muted'}`}>{insight.severity}</span>
        <strong className="insight-type">{humanize(insight.insight_type)}</strong>
        {factors.map((f) => (
          <span key={f} className="pill pill-accent" data-testid="risk-factor">
            {humanize(f)}
          </span>
        ))}
        <span className="insight-time">{formatDateTime(insight.generated_at)}</span>
      </header>
      {actions.length > 0 ? (
        <ul className="insight-actions">
          {actions.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      ) : null}
      <footer className="insight-foot">
        <button
          type="button"
          className="link mono"
          title="Open this session's timeline"
          onClick={() => updateParams({ view: 'sessions', session: insight.session_id })}
        >
          session {insight.session_id}
        </button>
        <span className={`status status-${insight.status}`}>{insight.status}</span>
        <span className="spacer" />
        <StatusActions status={insight.status} busy={busy} onStatus={onStatus} />
      </footer>
    </article>
  );
}
