import { LiveQueryProvider } from '@sightline/react';
import { useEffect, useRef } from 'react';
import { RangePicker } from './components/range-picker';
import { QueryBoundary } from './components/states';
import { ConnectionBadge } from './live/connection-badge';
import { useLiveConnection } from './live/use-live-connection';
import { SecretKeyContext } from './secret-key-context';
import { useUrlParams } from './url-state';
import { VIEWS, viewById } from './views/registry';

/** Params a view keeps for itself (see views/*); cleared when another view is chosen. */
const CLEARED_VIEW_PARAMS = Object.fromEntries(
  ['session', 'filter', 'status', 'steps', 'unit', 'window', 'mode', 'metric'].map((name) => [name, null]),
);

interface ShellProps {
  secretKey: string;
  onRefused(): void;
  onSignOut(): void;
}

/** The signed-in dashboard: header with the connection state, view tabs, time range, one view. */
export function Shell({ secretKey, onRefused, onSignOut }: ShellProps) {
  const { client, state, refused } = useLiveConnection(secretKey);
  const [params, setParams] = useUrlParams();
  const view = viewById(params.get('view'));
  const View = view.component;

  useEffect(() => {
    if (refused) onRefused();
  }, [refused, onRefused]);

  useEffect(() => {
    document.title = `${view.label} · Sightline`;
  }, [view.label]);

  // At phone width the tabs scroll sideways: keep the current one in sight.
  const tabs = useRef<HTMLElement>(null);
  useEffect(() => {
    tabs.current
      ?.querySelector(`[data-view="${view.id}"]`)
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [view.id]);

  return (
    <SecretKeyContext.Provider value={secretKey}>
      <LiveQueryProvider client={client}>
        <div className="shell">
          <header className="topbar">
            <div className="brand">
              <span className="brand-mark" aria-hidden="true" />
              Sightline
            </div>
            <ConnectionBadge state={state} />
            <button type="button" className="button button-quiet" onClick={onSignOut}>
              Sign out
            </button>
          </header>
          <nav className="tabs" aria-label="Views" ref={tabs}>
            {VIEWS.map((v) => (
              <a
                key={v.id}
                data-view={v.id}
                href={`?view=${v.id}`}
                className={v.id === view.id ? 'tab active' : 'tab'}
                aria-current={v.id === view.id ? 'page' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  // The time range carries over; a view's own choices (funnel steps, chosen session…) do not.
                  setParams({ ...CLEARED_VIEW_PARAMS, view: v.id });
                }}
              >
                {v.label}
              </a>
            ))}
          </nav>
          <div className="toolbar">
            <h1 className="view-title">{view.label}</h1>
            <RangePicker />
          </div>
          <main className="content" data-testid={`view-${view.id}`}>
            <QueryBoundary resetKey={`${view.id}${params.toString()}`}>
              <View />
            </QueryBoundary>
          </main>
        </div>
      </LiveQueryProvider>
    </SecretKeyContext.Provider>
  );
}
