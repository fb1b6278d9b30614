import { LiveQueryProvider } from '@sightline/react';
import type { SignInState } from '@sightline/schema/query-results';
import { useEffect, useRef } from 'react';
import { AccountMenu } from './auth/account-menu';
import { FilterScope } from './components/filter-bar';
import { RangePicker } from './components/range-picker';
import { QueryBoundary } from './components/states';
import { ConnectionBadge } from './live/connection-badge';
import { useLiveConnection } from './live/use-live-connection';
import { AccessContext } from './secret-key-context';
import { useUrlParams } from './url-state';
import { VIEW_OWN_PARAMS, VIEWS, viewById } from './views/registry';

/** Params a view keeps for itself (see views/*); cleared when another view is chosen. */
const CLEARED_VIEW_PARAMS = Object.fromEntries(
  [...['session', 'filter', 'status', 'steps', 'unit', 'window', 'mode', 'metric'], ...VIEW_OWN_PARAMS].map(
    (name) => [name, null],
  ),
);

interface ShellProps {
  /** Who is signed in (the server's cookie session). */
  access: SignInState;
  onRefused(): void;
  onSignOut(): void;
  onSignOutEverywhere(): void;
}

/** The signed-in dashboard: header with the connection state, view tabs, time range, one view. */
export function Shell({ access, onRefused, onSignOut, onSignOutEverywhere }: ShellProps) {
  const { client, state, refused } = useLiveConnection();
  const [params, setParams] = useUrlParams();
  const view = viewById(params.get('view'));
  const View = view.component;

  // Once per refusal, whatever the parent re-renders in the meantime.
  const whenRefused = useRef(onRefused);
  whenRefused.current = onRefused;
  useEffect(() => {
    if (refused) whenRefused.current();
  }, [refused]);

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
    <AccessContext.Provider value={access}>
      <LiveQueryProvider client={client}>
        <div className="shell">
          <header className="topbar">
            <div className="brand">
              <span className="brand-mark" aria-hidden="true" />
              Sightline
            </div>
            <ConnectionBadge state={state} />
            <AccountMenu access={access} onSignOut={onSignOut} onSignOutEverywhere={onSignOutEverywhere} />
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
            {view.range !== false ? <RangePicker /> : null}
          </div>
          <FilterScope enabled={view.filters !== false}>
            <main className="content" data-testid={`view-${view.id}`}>
              <QueryBoundary resetKey={`${view.id}${params.toString()}`}>
                <View />
              </QueryBoundary>
            </main>
          </FilterScope>
        </div>
      </LiveQueryProvider>
    </AccessContext.Provider>
  );
}
