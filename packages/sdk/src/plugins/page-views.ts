import { listen } from '../core/dom.js';
import { type Plugin, stopAll } from './plugin.js';

type HistoryMethod = 'pushState' | 'replaceState';

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

/** `page_view` on load and whenever the path changes (pushState, replaceState, back/forward). */
export const pageViews: Plugin = (context) => {
  let lastPath: string | undefined;
  // Query-string and hash changes are state within a page, not a new page.
  const view = () => {
    if (location.pathname === lastPath) return;
    lastPath = location.pathname;
    context.track('page_view', { title: document.title });
  };
  view();
  return stopAll([
    afterHistory('pushState', view),
    afterHistory('replaceState', view),
    listen(window, 'popstate', view),
  ]);
};
