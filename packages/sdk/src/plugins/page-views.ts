import { onHistoryChange } from './history-changes.js';
import type { Plugin } from './plugin.js';

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
  return onHistoryChange(view);
};
