import { FILTER_PROPERTIES } from '@sightline/schema/query-results';
import { useEffect, useId, useState } from 'react';
import { PROPERTY_LABELS } from '../../components/filter-labels';
import { BREAKDOWN_MAX_LENGTH } from './funnel-params';

interface BreakdownInputProps {
  value: string | null;
  onChange(value: string | null): void;
}

/**
 * The funnel's breakdown, read on each unit's first step: one of the filter bar's properties
 * (page, browser, country, …: offered as suggestions) or any property of the events as sent. Applied on Enter or when the field is left, not at every keystroke, so the
 * funnel is not recomputed for each letter.
 */
export function BreakdownInput({ value, onChange }: BreakdownInputProps) {
  const [text, setText] = useState(value ?? '');
  const suggestions = useId();
  useEffect(() => setText(value ?? ''), [value]);
  const apply = () => {
    const next = text.trim() || null;
    if (next !== value) onChange(next);
  };
  return (
    <label className="control">
      <span>Break down by</span>
      <input
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
        }}
        placeholder="e.g. country, browser or plan"
        maxLength={BREAKDOWN_MAX_LENGTH}
        list={suggestions}
        data-testid="funnel-breakdown"
      />
      <datalist id={suggestions}>
        {FILTER_PROPERTIES.map((property) => (
          <option key={property} value={property}>
            {PROPERTY_LABELS[property]}
          </option>
        ))}
      </datalist>
    </label>
  );
}
