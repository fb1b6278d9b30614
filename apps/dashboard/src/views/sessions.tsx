import { Panel } from '../components/panel';
import { QueryBoundary } from '../components/states';
import { useUrlParams } from '../url-state';
import { useRange } from '../use-range';
import { SessionFilters } from './sessions/session-filters';
import { SessionList } from './sessions/session-list';
import { SORT_LABELS, sessionListArgs } from './sessions/session-params';
import { SessionTimelineView } from './sessions/session-timeline';

/** The session list (search, filters, sort, paging) and, once one is chosen (`?session=`), its timeline. */
export function SessionsView() {
  const range = useRange();
  const [params, setParams] = useUrlParams();
  const selected = params.get('session');
  const args = sessionListArgs(params, range);
  const listKey = JSON.stringify(args);
  const select = (id: string) => {
    setParams({ session: id });
    // One column (phones, narrow windows): the timeline moves above the list; show it.
    if (window.matchMedia('(max-width: 1100px)').matches) window.scrollTo({ top: 0 });
  };

  return (
    <div className={selected ? 'split split-selected' : 'split'}>
      <Panel title="Sessions" hint={`${SORT_LABELS[args.sort ?? 'last_seen']} first`}>
        <SessionFilters />
        <QueryBoundary resetKey={listKey}>
          {/* Keyed by the arguments: new choices start a new list (first page, no cursors). */}
          <SessionList key={listKey} args={args} selected={selected} onSelect={select} />
        </QueryBoundary>
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
