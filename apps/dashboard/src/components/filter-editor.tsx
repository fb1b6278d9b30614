import {
  FILTER_CUSTOM_PREFIX,
  FILTER_IN_MAX_VALUES,
  FILTER_OPS,
  FILTER_PROPERTIES,
  FILTER_PROPERTY_KEY_PATTERN,
  FILTER_VALUE_MAX_LENGTH,
  type FilterColumnProperty,
  type FilterOp,
  type QueryFilter,
} from '@sightline/schema/query-results';
import { type FormEvent, useId, useState } from 'react';
import { OP_LABELS, PROPERTY_LABELS } from './filter-labels';
import { isValidFilter } from './filter-params';

/** The property select's choice for a `properties.<key>` filter. */
const CUSTOM = 'custom';

interface FilterEditorProps {
  onAdd(filter: QueryFilter): void;
  onCancel?(): void;
  /** What the add button says ("Add filter", "Filter step"). */
  submitLabel?: string;
  testId?: string;
}

/** `in` values are written comma-separated; blanks around them are not part of a value. */
const splitValues = (text: string): string[] =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

/**
 * One condition: a property of the vocabulary (or a custom `properties.<key>`), an op and a
 * value. Builds only filters the server accepts (isValidFilter), and says why not otherwise.
 */
export function FilterEditor({ onAdd, onCancel, submitLabel = 'Add filter', testId }: FilterEditorProps) {
  const id = useId();
  const [property, setProperty] = useState<FilterColumnProperty | typeof CUSTOM>('path');
  const [customKey, setCustomKey] = useState('');
  const [op, setOp] = useState<FilterOp>('eq');
  const [value, setValue] = useState('');

  const filter: QueryFilter = {
    property: property === CUSTOM ? `${FILTER_CUSTOM_PREFIX}${customKey.trim()}` : property,
    op,
    value: op === 'in' ? splitValues(value) : value.trim(),
  };
  const valid = isValidFilter(filter) && (op === 'in' || filter.value !== '');
  const problem =
    property === CUSTOM && !FILTER_PROPERTY_KEY_PATTERN.test(customKey.trim())
      ? 'A property key is letters, digits and _ $ . - (at most 100).'
      : op === 'in' && splitValues(value).length > FILTER_IN_MAX_VALUES
        ? `At most ${FILTER_IN_MAX_VALUES} values.`
        : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    onAdd(filter);
    setValue('');
  };

  return (
    <form className="filter-editor" onSubmit={submit} data-testid={testId}>
      <label className="control">
        <span>Property</span>
        <select
          value={property}
          onChange={(e) => setProperty(e.target.value as FilterColumnProperty | typeof CUSTOM)}
          data-testid="filter-property"
        >
          {FILTER_PROPERTIES.map((p) => (
            <option key={p} value={p}>
              {PROPERTY_LABELS[p]}
            </option>
          ))}
          <option value={CUSTOM}>Event property…</option>
        </select>
      </label>
      {property === CUSTOM ? (
        <label className="control">
          <span>Key</span>
          <input
            value={customKey}
            onChange={(e) => setCustomKey(e.target.value)}
            placeholder="plan"
            maxLength={100}
            data-testid="filter-key"
          />
        </label>
      ) : null}
      <label className="control">
        <span>Condition</span>
        <select value={op} onChange={(e) => setOp(e.target.value as FilterOp)} data-testid="filter-op">
          {FILTER_OPS.map((o) => (
            <option key={o} value={o}>
              {OP_LABELS[o]}
            </option>
          ))}
        </select>
      </label>
      <label className="control filter-value">
        <span id={`${id}-value`}>{op === 'in' ? 'Values (comma-separated)' : 'Value'}</span>
        <input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          maxLength={op === 'in' ? undefined : FILTER_VALUE_MAX_LENGTH}
          placeholder={property === 'path' ? '/pricing' : property === 'country' ? 'GB' : ''}
          aria-labelledby={`${id}-value`}
          data-testid="filter-value"
        />
      </label>
      <div className="filter-editor-actions">
        <button type="submit" className="button button-primary button-small" disabled={!valid}>
          {submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="button button-quiet button-small" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
      {problem ? <p className="form-error filter-problem">{problem}</p> : null}
    </form>
  );
}
