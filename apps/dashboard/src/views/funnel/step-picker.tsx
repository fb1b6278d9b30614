import { useLiveQuery } from '@sightline/react';
import { useState } from 'react';
import { FilterEditor } from '../../components/filter-editor';
import { describeFilter } from '../../components/filter-labels';
import { sameFilter } from '../../components/filter-params';
import type { TimeRange } from '../../time-range';
import { BreakdownInput } from './breakdown-input';
import './funnel.css';
import type { FunnelStep, QueryFilter } from '@sightline/schema/query-results';
import {
  DEFAULT_STEPS,
  type FunnelParams,
  type FunnelUnit,
  MAX_STEPS,
  stepEvent,
  stepFilters,
  WINDOWS,
  withStepFilters,
} from './funnel-params';

/** A funnel outline: "narrow this step" (drawn, since icon fonts are not a given). */
const FunnelIcon = () => (
  <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
    <path
      d="M1 2h10L7 6.5V10L5 11V6.5z"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.2"
      strokeLinejoin="round"
    />
  </svg>
);

interface StepPickerProps<S extends FunnelStep> {
  range: TimeRange;
  value: FunnelParams<S>;
  onChange(next: Partial<FunnelParams<S>>): void;
  /** Steps may get filters of their own (the funnel view; a key funnel is event names only). */
  stepFilterable?: boolean;
  /** The breakdown property and its setter (the funnel view). */
  breakdown?: { value: string | null; onChange(value: string | null): void };
}

/**
 * Funnel steps chosen from the event names seen in the range, each optionally narrowed by filters
 * of its own (page_view where path is /pricing), plus unit, conversion window and breakdown.
 */
export function StepPicker<S extends FunnelStep>({
  range,
  value,
  onChange,
  stepFilterable = false,
  breakdown,
}: StepPickerProps<S>) {
  const seen = useLiveQuery('top_events', { time_range: range, limit: 1000 });
  // A name may repeat: the same event with other step filters is another step.
  const names = (seen?.events ?? []).map((e) => e.name);
  const { steps } = value;
  /** The step whose filter form is open. */
  const [filtering, setFiltering] = useState<number | null>(null);
  // Only offered when stepFilterable, i.e. when S is every FunnelStep.
  const setStepFilters = (index: number, filters: QueryFilter[]) =>
    onChange({ steps: steps.map((s, j) => (j === index ? (withStepFilters(s, filters) as S) : s)) });
  const move = (index: number, by: number) => {
    setFiltering(null);
    const next = [...steps];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    onChange({ steps: next });
  };

  return (
    <div className="step-picker">
      <ol className="chips" aria-label="Funnel steps">
        {steps.map((step, i) => {
          const event = stepEvent(step);
          const filters = stepFilters(step);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a funnel may repeat a step; its position is its identity
            <li key={`${i}-${event}`} className="chip" data-testid="funnel-step">
              <span className="chip-index">{i + 1}</span>
              <span className="chip-text" title={event}>
                {event}
              </span>
              {filters.map((f) => (
                <span key={describeFilter(f)} className="step-filter" data-testid="funnel-step-filter">
                  {describeFilter(f)}
                  <button
                    type="button"
                    className="chip-button"
                    aria-label={`Remove ${describeFilter(f)} from step ${i + 1}`}
                    onClick={() =>
                      setStepFilters(
                        i,
                        filters.filter((g) => !sameFilter(g, f)),
                      )
                    }
                  >
                    ×
                  </button>
                </span>
              ))}
              {stepFilterable ? (
                <button
                  type="button"
                  className="chip-button"
                  aria-label={`Filter step ${i + 1} (${event})`}
                  aria-expanded={filtering === i}
                  title="Only count this step's events that meet a condition"
                  onClick={() => setFiltering(filtering === i ? null : i)}
                  data-testid="funnel-step-filter-add"
                >
                  <FunnelIcon />
                </button>
              ) : null}
              <button
                type="button"
                className="chip-button"
                aria-label={`Move ${event} earlier`}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              >
                ‹
              </button>
              <button
                type="button"
                className="chip-button"
                aria-label={`Move ${event} later`}
                disabled={i === steps.length - 1}
                onClick={() => move(i, 1)}
              >
                ›
              </button>
              <button
                type="button"
                className="chip-button"
                aria-label={`Remove ${event}`}
                disabled={steps.length <= 2}
                onClick={() => {
                  setFiltering(null);
                  onChange({ steps: steps.filter((_, j) => j !== i) });
                }}
              >
                ×
              </button>
            </li>
          );
        })}
      </ol>
      {filtering !== null && steps[filtering] !== undefined ? (
        <div className="step-filter-form">
          <p className="panel-hint">
            Step {filtering + 1} counts only <span className="mono">{stepEvent(steps[filtering]!)}</span>{' '}
            events that meet every condition:
          </p>
          <FilterEditor
            testId="funnel-step-editor"
            submitLabel="Filter step"
            onAdd={(filter) => {
              const current = stepFilters(steps[filtering]!);
              if (!current.some((f) => sameFilter(f, filter)))
                setStepFilters(filtering, [...current, filter]);
              setFiltering(null);
            }}
            onCancel={() => setFiltering(null)}
          />
        </div>
      ) : null}
      <div className="controls">
        <label className="control">
          <span>Add step</span>
          <select
            value=""
            disabled={steps.length >= MAX_STEPS || names.length === 0}
            onChange={(e) => e.target.value && onChange({ steps: [...steps, e.target.value as S] })}
            data-testid="funnel-add-step"
          >
            <option value="">{seen ? `${names.length} event names…` : 'Loading names…'}</option>
            {names.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="control">
          <span>Count by</span>
          <select value={value.unit} onChange={(e) => onChange({ unit: e.target.value as FunnelUnit })}>
            <option value="session">Sessions</option>
            <option value="user">Users</option>
          </select>
        </label>
        <label className="control">
          <span>Window</span>
          <select value={value.windowMs} onChange={(e) => onChange({ windowMs: Number(e.target.value) })}>
            {WINDOWS.map((w) => (
              <option key={w.ms} value={w.ms}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        {breakdown ? <BreakdownInput value={breakdown.value} onChange={breakdown.onChange} /> : null}
        <button
          type="button"
          className="button button-quiet"
          onClick={() => {
            setFiltering(null);
            onChange({ steps: [...DEFAULT_STEPS] as S[] });
          }}
        >
          Default funnel
        </button>
      </div>
    </div>
  );
}
