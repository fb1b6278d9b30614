import type { TimelineIntervention } from '@sightline/schema/query-results';
import type { Insight, TimelineEvent } from '../../api/types';
import { formatDuration, humanize } from '../../format';
import { detailText } from './detail-value';

/** `+2.4 s` from the session's first event. */
function Offset({ ms }: { ms: number }) {
  return <span className="timeline-offset">+{formatDuration(ms)}</span>;
}

function FactorPills({ factors, tone }: { factors: readonly string[]; tone: 'warn' | 'bad' }) {
  return (
    <>
      {factors.map((factor) => (
        <span key={factor} className={`pill pill-${tone}`}>
          {humanize(factor)}
        </span>
      ))}
    </>
  );
}

/**
 * One event: its name, the friction it is evidence of, and what happened as label/value pairs, all
 * as text (readable on a phone, where nothing hovers); every property one tap away.
 */
export function EventRow({ event, offset }: { event: TimelineEvent; offset: number }) {
  const marked = event.friction.length > 0;
  return (
    <li
      className={marked ? 'timeline-item timeline-marked' : 'timeline-item'}
      data-testid="timeline-row"
      data-event={event.event}
    >
      <Offset ms={offset} />
      <span className="timeline-dot" aria-hidden="true" />
      <div className="timeline-body">
        <div className="timeline-head">
          <span className="mono timeline-event" data-testid="timeline-event">
            {event.event}
          </span>
          {marked ? <FactorPills factors={event.friction} tone="bad" /> : null}
        </div>
        {event.details.length > 0 ? (
          <dl className="timeline-details">
            {event.details.map((detail) => (
              <div key={detail.label} className="timeline-detail">
                <dt>{detail.label}</dt>
                <dd>{detailText(detail)}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        <details className="timeline-raw">
          <summary>All properties</summary>
          <pre>{JSON.stringify(event.properties, null, 2)}</pre>
        </details>
      </div>
    </li>
  );
}

/** An insight of the processor, at the event time it refers to. */
export function InsightRow({ insight, offset }: { insight: Insight; offset: number }) {
  return (
    <li className="timeline-item timeline-insight" data-testid="timeline-insight">
      <Offset ms={offset} />
      <span className="timeline-dot" aria-hidden="true" />
      <div className="timeline-body">
        <div className="timeline-head">
          <strong>{humanize(insight.insight_type)}</strong>
          <FactorPills factors={insight.data.risk_factors ?? []} tone="warn" />
        </div>
        {(insight.data.recommended_actions ?? []).length > 0 ? (
          <div className="timeline-note">{(insight.data.recommended_actions ?? []).join(' · ')}</div>
        ) : null}
      </div>
    </li>
  );
}

/** What became of an intervention: held out, or delivered, shown and answered (each when it happened). */
function outcome(intervention: TimelineIntervention, start: number): string[] {
  if (intervention.held_out) return ['Hold-out group: recorded, not sent'];
  const steps = [
    intervention.delivered_at === null
      ? 'Not delivered yet'
      : `Delivered ${formatDuration(Math.max(0, intervention.delivered_at - intervention.at))} after`,
  ];
  if (intervention.shown_at !== null)
    steps.push(`Shown at +${formatDuration(intervention.shown_at - start)}`);
  if (intervention.result !== null)
    steps.push(
      `Result: ${intervention.result}${
        intervention.result_at === null ? '' : ` at +${formatDuration(intervention.result_at - start)}`
      }`,
    );
  return steps;
}

/** An intervention, where its insight happened, with the message and its outcome. */
export function InterventionRow({
  intervention,
  offset,
  start,
}: {
  intervention: TimelineIntervention;
  offset: number;
  start: number;
}) {
  return (
    <li className="timeline-item timeline-intervention" data-testid="timeline-intervention">
      <Offset ms={offset} />
      <span className="timeline-dot" aria-hidden="true" />
      <div className="timeline-body">
        <div className="timeline-head">
          <strong>Intervention</strong>
          <span className="pill pill-accent">{humanize(intervention.action)}</span>
          <span className="muted mono">{intervention.rule_id}</span>
        </div>
        <div className="timeline-note">“{intervention.message}”</div>
        <ul className="timeline-outcome">
          {outcome(intervention, start).map((step) => (
            <li key={step}>{step}</li>
          ))}
        </ul>
      </div>
    </li>
  );
}
