import { Panel } from '../components/panel';
import { Segmented } from '../components/segmented';
import { QueryBoundary } from '../components/states';
import { useUrlParams } from '../url-state';
import { useRange } from '../use-range';
import { type SessionFilter, SessionList } from './sessions/session-list';
import { SessionTimelineView } from './sessions/session-timeline';

const FILTERS: ReadonlyArray<{ value: SessionFilter; label: string }> = [
  { value: 'all', label: 'All' },
  { value: 'errors', label: 'With errors' },
  { value: 'at_risk', label: 'At risk' },
];

/** The session list and, once one is chosen (`?session=`), its timeline. */
export function SessionsView() {
  const range = useRange();
  const [params, setParams] = useUrlParams();
  const selected = params.get('session');
  const filter = FILTERS.find((f) => f.value === params.get('filter'))?.value ?? 'all';
  const select = (id: string) => {
    setParams({ session: id });
    // One column (phones, narrow windows): the timeline moves above the list; show it.
    if (window.matchMedia('(max-width: 1100px)').matches) window.scrollTo({ top: 0 });
  };

  return (
    <div className={selected ? 'split split-selected' : 'split'}>
      <Panel
        title="Sessions"
        hint="Most recently active first"
        actions={
          <Segmented
            small
            legend="Filter"
            options={FILTERS}
            value={filter}
            onChange={(value) => setParams({ filter: value === 'all' ? null : value }, true)}
          />
        }
      >
        <SessionList range={range} filter={filter} selected={selected} onSelect={select} />
      </Panel>
      <Panel
        title="Timeline"
        hint={selected ? <span className="mono">{selected}</span> : 'Choose a session'}
        actions={
          selected ? (
            <button
              type="button"
              className="button button-quiet"
              onClick={() => setParams({ session: null })}
            >
              Close
            </button>
          ) : null
        }
      >
        {selected ? (
          <QueryBoundary resetKey={selected}>
            <SessionTimelineView sessionId={selected} />
          </QueryBoundary>
        ) : (
          <p className="state state-empty">
            Pick a session on the left to see every event and insight in order.
          </p>
        )}
      </Panel>
    </div>
  );
}
