import {
  FRICTION_FACTOR_IDS,
  JOURNEY_STATUSES,
  SESSION_SORTS,
  type SessionSort,
} from '@sightline/schema/query-results';
import { Segmented } from '../../components/segmented';
import { humanize } from '../../format';
import { useUrlParams } from '../../url-state';
import { DebouncedInput } from './debounced-input';
import {
  moreFiltersSet,
  QUICK_FILTERS,
  quickFilterFrom,
  SORT_LABELS,
  type TextFilter,
} from './session-params';

const TEXT_FILTER_FIELDS: ReadonlyArray<{ name: TextFilter; label: string; placeholder: string }> = [
  { name: 'path', label: 'Visited page', placeholder: '/upload' },
  { name: 'browser', label: 'Browser', placeholder: 'Chrome' },
  { name: 'device', label: 'Device', placeholder: 'mobile' },
];

/** Search, quick filter, sort and the other filters of the sessions list, all kept in the URL. */
export function SessionFilters() {
  const [params, setParams] = useUrlParams();
  const more = moreFiltersSet(params);
  const set = (name: string, value: string | null) => setParams({ [name]: value }, true);

  return (
    <div className="session-filters" data-testid="session-filters">
      <DebouncedInput
        type="search"
        className="session-search"
        aria-label="Search sessions"
        placeholder="Search session or user id"
        value={params.get('q') ?? ''}
        onCommit={(value) => set('q', value.trim() || null)}
        data-testid="session-search"
      />
      <div className="session-filter-row">
        <Segmented
          small
          legend="Filter"
          options={QUICK_FILTERS}
          value={quickFilterFrom(params)}
          onChange={(value) => set('filter', value === 'all' ? null : value)}
        />
        <label className="control control-inline">
          Sort
          <select
            value={params.get('sort') ?? 'last_seen'}
            onChange={(event) => set('sort', event.target.value === 'last_seen' ? null : event.target.value)}
            data-testid="session-sort"
          >
            {SESSION_SORTS.map((sort: SessionSort) => (
              <option key={sort} value={sort}>
                {SORT_LABELS[sort]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <details className="session-more" open={more > 0 ? true : undefined}>
        <summary>More filters{more > 0 ? ` (${more})` : ''}</summary>
        <div className="controls">
          <label className="control">
            Journey
            <select
              value={params.get('journey') ?? ''}
              onChange={(event) => set('journey', event.target.value || null)}
            >
              <option value="">Any</option>
              {JOURNEY_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {humanize(status)}
                </option>
              ))}
            </select>
          </label>
          <label className="control">
            Friction
            <select
              value={params.get('factor') ?? ''}
              onChange={(event) => set('factor', event.target.value || null)}
            >
              <option value="">Any</option>
              {FRICTION_FACTOR_IDS.map((factor) => (
                <option key={factor} value={factor}>
                  {humanize(factor)}
                </option>
              ))}
            </select>
          </label>
          {TEXT_FILTER_FIELDS.map((field) => (
            <div key={field.name} className="control">
              <label htmlFor={`session-filter-${field.name}`}>{field.label}</label>
              <DebouncedInput
                id={`session-filter-${field.name}`}
                type="text"
                placeholder={field.placeholder}
                value={params.get(field.name) ?? ''}
                onCommit={(value) => set(field.name, value.trim() || null)}
              />
            </div>
          ))}
          {more > 0 ? (
            <button
              type="button"
              className="button button-quiet button-small"
              onClick={() =>
                setParams({ journey: null, factor: null, path: null, browser: null, device: null }, true)
              }
            >
              Clear
            </button>
          ) : null}
        </div>
      </details>
    </div>
  );
}
