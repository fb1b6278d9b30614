import type { InsightCounts } from '@sightline/schema/query-results';
import type { FrictionKind } from '../../api/types';
import { formatCount } from '../../format';
import { FACTORS, factorLabel, isOutcome, typeLabel } from './labels';

interface FilterChipsProps {
  counts: InsightCounts;
  type: string | null;
  factor: FrictionKind | null;
  onType(type: string | null): void;
  onFactor(factor: FrictionKind | null): void;
}

interface ChipProps {
  testId: string;
  value: string;
  label: string;
  count: number;
  pressed: boolean;
  onClick(): void;
}

function Chip({ testId, value, label, count, pressed, onClick }: ChipProps) {
  return (
    <li>
      <button
        type="button"
        className="filter-chip"
        aria-pressed={pressed}
        data-testid={testId}
        data-value={value}
        data-count={count}
        onClick={onClick}
      >
        {label} <span className="filter-chip-count">{formatCount(count)}</span>
      </button>
    </li>
  );
}

/**
 * Problem types and friction factors with the server's counts over the whole range (each counted
 * with the other filters applied, so a chip says what selecting it would list). A pressed chip
 * filters the list; pressing it again clears the filter.
 */
export function FilterChips({ counts, type, factor, onType, onFactor }: FilterChipsProps) {
  const types = Object.entries(counts.by_type)
    .filter(([t, n]) => !isOutcome(t) && (n > 0 || t === type))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const factors = FACTORS.filter((f) => counts.by_factor[f] > 0 || f === factor);
  return (
    <div className="filter-rows">
      {types.length > 0 ? (
        <ul className="filter-chips" aria-label="Filter by kind of problem">
          {types.map(([t, n]) => (
            <Chip
              key={t}
              testId="type-chip"
              value={t}
              label={typeLabel(t)}
              count={n}
              pressed={t === type}
              onClick={() => onType(t === type ? null : t)}
            />
          ))}
        </ul>
      ) : null}
      {factors.length > 0 ? (
        <ul className="filter-chips" aria-label="Filter by friction factor">
          {factors.map((f) => (
            <Chip
              key={f}
              testId="factor-chip"
              value={f}
              label={factorLabel(f)}
              count={counts.by_factor[f]}
              pressed={f === factor}
              onClick={() => onFactor(f === factor ? null : f)}
            />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
