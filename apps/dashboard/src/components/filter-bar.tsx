import { LiveQueryContext } from '@sightline/react';
import { MAX_FILTERS, type QueryFilter, type QueryName } from '@sightline/schema/query-results';
import { Fragment, type ReactNode, useContext, useMemo, useState, useSyncExternalStore } from 'react';
import { humanize } from '../format';
import { FilterEditor } from './filter-editor';
import { describeFilter } from './filter-labels';
import { formatFilterParam, useFilters } from './filter-params';
import { filteredSource, SubscribedQueries } from './filtered-source';
import './filter-bar.css';

interface FilterBarProps {
  /** Some query of the view takes the filters. */
  filterable: boolean;
  /** Queries of the view that the filters do not narrow (they take no `filters`). */
  unfiltered: readonly QueryName[];
}

/**
 * The filters every view shares, as removable chips, and a form to add one. Rows of the Web
 * view add theirs by a click. Kept in the URL (`f` params), so a link shows the same filtered view.
 */
export function FilterBar({ filterable, unfiltered }: FilterBarProps) {
  const [filters, actions] = useFilters();
  const [editing, setEditing] = useState(false);
  const full = filters.length >= MAX_FILTERS;

  return (
    <section className="filter-bar" aria-label="Filters" data-testid="filter-bar">
      <ul className="filter-list">
        {filters.map((filter) => {
          const text = describeFilter(filter);
          return (
            <li
              key={formatFilterParam(filter)}
              className="filter-pill"
              data-testid="filter-chip"
              data-filter={formatFilterParam(filter)}
            >
              <span className="filter-pill-text" title={text}>
                {text}
              </span>
              <button
                type="button"
                className="chip-button"
                aria-label={`Remove filter ${text}`}
                onClick={() => actions.remove(filter)}
              >
                ×
              </button>
            </li>
          );
        })}
        <li>
          <button
            type="button"
            className="button button-quiet button-small"
            aria-expanded={editing}
            disabled={full && !editing}
            onClick={() => setEditing(!editing)}
            data-testid="filter-add"
          >
            {filters.length === 0 ? '+ Filter' : '+ Add'}
          </button>
        </li>
        {filters.length > 1 ? (
          <li>
            <button type="button" className="link" onClick={actions.clear}>
              Clear all
            </button>
          </li>
        ) : null}
      </ul>
      {editing ? (
        <FilterEditor
          testId="filter-editor"
          onAdd={(filter) => {
            actions.add(filter);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : null}
      {filters.length > 0 && !filterable ? (
        <p className="filter-note" data-testid="filter-unfiltered">
          These filters do not apply to this view.
        </p>
      ) : filters.length > 0 && unfiltered.length > 0 ? (
        <p className="filter-note" data-testid="filter-unfiltered">
          Not narrowed by these filters here: {unfiltered.map(humanize).join(', ')}.
        </p>
      ) : null}
    </section>
  );
}

const NO_FILTERS: QueryFilter[] = [];

/**
 * Gives the view a live source that adds the bar's filters to each query taking them, and shows
 * the bar where they apply (or while some are set, to say they do not apply here); a view the
 * registry marks `filters: false` gets neither, its filters staying in the URL. The view is
 * remounted when the filters change, so it shows "loading" rather than the previous filters'
 * numbers under the new chips.
 */
export function FilterScope({ children, enabled }: { children: ReactNode; enabled: boolean }) {
  const parent = useContext(LiveQueryContext);
  const [urlFilters] = useFilters();
  const filters = enabled ? urlFilters : NO_FILTERS;
  const [subscribed] = useState(() => new SubscribedQueries());
  const key = filters.map(formatFilterParam).join('\n');
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the filters' identity
  const source = useMemo(() => (parent ? filteredSource(parent, filters, subscribed) : null), [parent, key]);
  const { filterable, unfiltered } = useSyncExternalStore(subscribed.subscribe, subscribed.snapshot);

  return (
    <>
      {enabled && (filterable || filters.length > 0) ? (
        <FilterBar filterable={filterable} unfiltered={unfiltered} />
      ) : null}
      <LiveQueryContext.Provider value={source}>
        <Fragment key={key}>{children}</Fragment>
      </LiveQueryContext.Provider>
    </>
  );
}
