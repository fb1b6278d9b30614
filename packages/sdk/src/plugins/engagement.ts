import { listen, timeOnPage } from '../core/dom.js';
import { type Plugin, stopAll } from './plugin.js';

export const ENGAGEMENT_INTERVAL_MS = 30_000;

/**
 * `engagement_summary` (mouse_movements, scroll_events, click_events, time_on_page) every interval and
 * on pagehide and when stopped, only when something happened since the last one.
 */
export const engagement: Plugin = (context) => {
  let mouseMovements = 0;
  let scrollEvents = 0;
  let clickEvents = 0;
  const report = () => {
    if (!mouseMovements && !scrollEvents && !clickEvents) return;
    context.track('engagement_summary', {
      mouse_movements: mouseMovements,
      scroll_events: scrollEvents,
      click_events: clickEvents,
      time_on_page: timeOnPage(),
    });
    mouseMovements = scrollEvents = clickEvents = 0;
  };
  const interval = setInterval(report, context.options.engagementInterval ?? ENGAGEMENT_INTERVAL_MS);
  return stopAll([
    listen(document, 'mousemove', () => mouseMovements++),
    listen(document, 'scroll', () => scrollEvents++),
    listen(document, 'click', () => clickEvents++),
    context.onUnload(report),
    () => clearInterval(interval),
    // Stopping (unmounted wrapper, shutdown) must not lose the counts so far.
    report,
  ]);
};
