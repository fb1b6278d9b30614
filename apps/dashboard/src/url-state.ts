import { useCallback, useSyncExternalStore } from 'react';

/**
 * The dashboard keeps what is on screen (view, time range, a view's own choices) in the search
 * params, e.g. `/?view=funnel&range=7d`: links and reloads show the same thing, the back button
 * works, and the server needs no routes beyond `/` (the fragment is reserved for `#key=`).
 */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

const snapshot = () => window.location.search;

/** A param's new value: a list repeats the param once per item (`?f=a&f=b`), in order. */
export type ParamPatch = Record<string, string | readonly string[] | null | undefined>;

/** Sets (or, for null/undefined/empty, removes) params; pushes a history entry unless `replace`. */
export function updateParams(patch: ParamPatch, replace = false): void {
  const params = new URLSearchParams(window.location.search);
  for (const [name, value] of Object.entries(patch)) {
    if (typeof value === 'string' && value !== '') params.set(name, value);
    else {
      params.delete(name);
      if (typeof value === 'object' && value) for (const item of value) params.append(name, item);
    }
  }
  const search = params.toString();
  const url = `${window.location.pathname}${search ? `?${search}` : ''}`;
  if (url === `${window.location.pathname}${window.location.search}`) return;
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

/** The current search params, re-rendering when they change (pushState here, or back/forward). */
export function useUrlParams(): [URLSearchParams, (patch: ParamPatch, replace?: boolean) => void] {
  const search = useSyncExternalStore(subscribe, snapshot);
  const set = useCallback((patch: ParamPatch, replace?: boolean) => updateParams(patch, replace), []);
  return [new URLSearchParams(search), set];
}
