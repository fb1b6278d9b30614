import { useLiveQuery } from '@sightline/react';
import type { TimeRange } from '../../time-range';
import { DEFAULT_STEPS, type FunnelParams, type FunnelUnit, MAX_STEPS, WINDOWS } from './funnel-params';

interface StepPickerProps {
  range: TimeRange;
  value: FunnelParams;
  onChange(next: Partial<FunnelParams>): void;
}

/** Funnel steps chosen from the event names seen in the range, plus unit and conversion window. */
export function StepPicker({ range, value, onChange }: StepPickerProps) {
  const seen = useLiveQuery('top_events', { time_range: range, limit: 1000 });
  const names = (seen?.events ?? []).map((e) => e.name).filter((name) => !value.steps.includes(name));
  const { steps } = value;
  const move = (index: number, by: number) => {
    const next = [...steps];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    onChange({ steps: next });
  };

  return (
    <div className="step-picker">
      <ol className="chips" aria-label="Funnel steps">
        {steps.map((step, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a funnel may repeat a step; its position is its identity
          <li key={`${i}-${step}`} className="chip">
            <span className="chip-index">{i + 1}</span>
            <span className="chip-text" title={step}>
              {step}
            </span>
            <button
              type="button"
              className="chip-button"
              aria-label={`Move ${step} earlier`}
              disabled={i === 0}
              onClick={() => move(i, -1)}
            >
              ‹
            </button>
            <button
              type="button"
              className="chip-button"
              aria-label={`Move ${step} later`}
              disabled={i === steps.length - 1}
              onClick={() => move(i, 1)}
            >
              ›
            </button>
            <button
              type="button"
              className="chip-button"
              aria-label={`Remove ${step}`}
              disabled={steps.length <= 2}
              onClick={() => onChange({ steps: steps.filter((_, j) => j !== i) })}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <div className="controls">
        <label className="control">
          <span>Add step</span>
          <select
            value=""
            disabled={steps.length >= MAX_STEPS || names.length === 0}
            onChange={(e) => e.target.value && onChange({ steps: [...steps, e.target.value] })}
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
        <button
          type="button"
          className="button button-quiet"
          onClick={() => onChange({ steps: [...DEFAULT_STEPS] })}
        >
          Default funnel
        </button>
      </div>
    </div>
  );
}
