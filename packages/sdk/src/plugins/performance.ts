import { listen } from '../core/dom.js';
import { type Plugin, stopAll } from './plugin.js';
import { observeWebVitals } from './web-vitals.js';

/** page_performance waits this long after load for the first contentful paint. */
export const FIRST_PAINT_WAIT_MS = 5000;

/**
 * `page_performance` once the page has loaded and painted: Navigation Timing (page_load_time, dom_ready_time,
 * time_to_interactive, all from fetchStart, in ms) plus the web vitals known by then. LCP, CLS and INP
 * keep changing while the user interacts, so their final values follow as `web_vitals` (lcp, inp, cls,
 * fcp, ttfb) when the page is first hidden or unloaded (page_performance too, if that came first).
 * Each is sent once per page.
 */
export const performanceTiming: Plugin = (context) => {
  let loaded = false;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const vitals = observeWebVitals(() => loaded && setTimeout(reportLoad));

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
      ...vitals.read(),
    });
  };
  const reportFinal = () => {
    reportLoad();
    const values = vitals.read();
    if (Object.keys(values).length && context.once('web_vitals')) context.track('web_vitals', { ...values });
  };

  // loadEventEnd is set once the load handlers have returned. A small page may load before its first
  // contentful paint is presented: then the paint reports (or, for pages that never paint, the fallback).
  const afterLoad = () => {
    loaded = true;
    setTimeout(() => vitals.read().fcp !== undefined && reportLoad());
    fallback = setTimeout(reportLoad, FIRST_PAINT_WAIT_MS);
  };
  const stops = [
    listen(document, 'visibilitychange', () => document.hidden && reportFinal()),
    context.onUnload(reportFinal),
    () => vitals.stop(),
    () => clearTimeout(fallback),
  ];
  if (document.readyState === 'complete') afterLoad();
  else stops.push(listen(window, 'load', afterLoad));
  return stopAll(stops);
};
