import { listen, timeOnPage } from '../core/dom.js';
import { type Plugin, stopAll } from './plugin.js';

/**
 * `tab_hidden` / `tab_visible` with time_on_page. The page also turns hidden while it unloads;
 * that is a page exit, not a tab switch, so it is not reported.
 */
export const visibility: Plugin = (context) => {
  let leaving = false;
  return stopAll([
    listen(window, 'pagehide', () => {
      leaving = true;
    }),
    listen(window, 'pageshow', () => {
      leaving = false;
    }),
    listen(document, 'visibilitychange', () => {
      if (!leaving)
        context.track(document.hidden ? 'tab_hidden' : 'tab_visible', { time_on_page: timeOnPage() });
    }),
  ]);
};
