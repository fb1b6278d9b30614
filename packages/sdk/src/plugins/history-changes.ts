import { listen } from '../core/dom.js';
import { stopAll } from './plugin.js';

type HistoryMethod = 'pushState' | 'replaceState';

const listeners = new Set<() => void>();
let uninstall: (() => void) | undefined;

/** Wraps a History method so SPA navigations are seen; restores it on stop unless someone wrapped it since. */
function afterHistory(method: HistoryMethod, then: () => void): () => void {
  const original = history[method];
  const wrapped = function (this: History, ...args: Parameters<History[HistoryMethod]>) {
    original.apply(this, args);
    then();
  };
  history[method] = wrapped;
  return () => {
    if (history[method] === wrapped) history[method] = original;
  };
}

/**
 * Calls `listener` after every same-document navigation (pushState, replaceState, back/forward),
 * once the location has changed. One wrapper of each History method serves every listener, so
 * plugins that follow routes (page views, web vitals) start and stop in any order.
 */
export function onHistoryChange(listener: () => void): () => void {
  listeners.add(listener);
  if (!uninstall) {
    const notify = () => {
      for (const each of [...listeners]) each();
    };
    uninstall = stopAll([
      afterHistory('pushState', notify),
      afterHistory('replaceState', notify),
      listen(window, 'popstate', notify),
    ]);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      uninstall?.();
      uninstall = undefined;
    }
  };
}
