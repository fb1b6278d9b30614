import { listen } from '../core/dom.js';
import { uuidv7 } from '../core/uuid.js';
import { onHistoryChange } from './history-changes.js';
import { type Plugin, stopAll } from './plugin.js';
import { observeWebVitals, type PageVitals } from './web-vitals.js';

/** page_performance waits this long after load for the first contentful paint. */
export const FIRST_PAINT_WAIT_MS = 5000;
/**
 * A page view left by a route change is reported this long after: the interaction that changed
 * the route reaches the observer only after its next paint, and one slower than 1 s is poor anyway
 * (a later one is still sent, with the page view's next report).
 */
export const ROUTE_REPORT_DELAY_MS = 1000;

/** One page view: the document's load, or a single-page-app route. */
interface PageView {
  id: string;
  url: string;
  path: string;
  vitals: PageVitals;
  /** The values last sent for it, so an unchanged page view is not sent again. */
  sent: string;
}

/**
 * `page_performance` once the page has loaded and painted: Navigation Timing (page_load_time, dom_ready_time,
 * time_to_interactive, all from fetchStart, in ms) plus the web vitals known by then. `web_vitals`
 * carries a page view's values (lcp, fcp, ttfb for the document's load only; inp and cls for every page
 * view) when a route change leaves it and whenever the page is hidden or unloaded with values not sent
 * yet. Both carry `page_view_id` and the page view's own url and path, so the server puts every report
 * of one page view together and a route never inherits the load's LCP, FCP or TTFB.
 */
export const performanceTiming: Plugin = (context) => {
  let loaded = false;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  let routeReport: ReturnType<typeof setTimeout> | undefined;
  const observer = observeWebVitals(() => loaded && setTimeout(reportLoad));
  const pageView = (vitals: PageVitals): PageView => ({
    id: uuidv7(),
    url: location.href,
    path: location.pathname,
    vitals,
    sent: '',
  });
  const load = pageView(observer.first);
  // The current page view last; the one before stays while its last entries may still arrive.
  let open = [load];
  const where = (view: PageView) => ({ page_view_id: view.id, url: view.url, path: view.path });

  const reportLoad = () => {
    if (!context.once('page_performance')) return;
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const since = (end: number) => Math.max(0, Math.round(end - (nav?.fetchStart ?? 0)));
    context.track('page_performance', {
      ...(nav && {
        page_load_time: since(nav.loadEventEnd),
        dom_ready_time: since(nav.domContentLoadedEventEnd),
        time_to_interactive: since(nav.domInteractive),
      }),
      ...load.vitals.read(),
      ...where(load),
    });
  };
  const report = (view: PageView) => {
    const values = view.vitals.read();
    const sent = JSON.stringify(values);
    if (sent === '{}' || sent === view.sent) return;
    view.sent = sent;
    context.track('web_vitals', { ...values, ...where(view) });
  };
  const reportAll = () => {
    reportLoad();
    clearTimeout(routeReport);
    for (const view of open) report(view);
  };
  const routeChanged = () => {
    const left = open[open.length - 1] as PageView;
    if (location.pathname === left.path) return;
    // The page view about to close gets its last report now; the one just left after its last paint.
    clearTimeout(routeReport);
    if (open.length > 1) report(open[0] as PageView);
    open = [left, pageView(observer.nextPage())];
    routeReport = setTimeout(() => report(left), ROUTE_REPORT_DELAY_MS);
  };

  // loadEventEnd is set once the load handlers have returned. A small page may load before its first
  // contentful paint is presented: then the paint reports (or, for pages that never paint, the fallback).
  const afterLoad = () => {
    loaded = true;
    setTimeout(() => load.vitals.read().fcp !== undefined && reportLoad());
    fallback = setTimeout(reportLoad, FIRST_PAINT_WAIT_MS);
  };
  const stops = [
    listen(document, 'visibilitychange', () => document.hidden && reportAll()),
    context.onUnload(reportAll),
    onHistoryChange(routeChanged),
    () => observer.stop(),
    () => clearTimeout(fallback),
    () => clearTimeout(routeReport),
  ];
  if (document.readyState === 'complete') afterLoad();
  else stops.push(listen(window, 'load', afterLoad));
  return stopAll(stops);
};
