import { listen } from '../core/dom.js';
import type { Plugin } from './plugin.js';

export const SCROLL_DEPTH_MILESTONES = [25, 50, 75, 100] as const;

/** How far down the page the viewport has come, 0..100: scrollY over the scrollable height (page minus viewport), rounded. */
export function scrollPercent(scrollY: number, scrollHeight: number, viewportHeight: number): number {
  const scrollable = scrollHeight - viewportHeight;
  return scrollable > 0 ? Math.min(100, Math.max(0, Math.round((scrollY / scrollable) * 100))) : 0;
}

/** `scroll_depth` with scroll_percent for each milestone reached, once per page (path). */
export const scrollDepth: Plugin = (context) => {
  let path = location.pathname;
  let reached = new Set<number>();
  return listen(document, 'scroll', () => {
    if (location.pathname !== path) {
      path = location.pathname;
      reached = new Set();
    }
    const percent = scrollPercent(scrollY, document.documentElement.scrollHeight, innerHeight);
    for (const milestone of SCROLL_DEPTH_MILESTONES)
      if (percent >= milestone && !reached.has(milestone)) {
        reached.add(milestone);
        context.track('scroll_depth', { scroll_percent: milestone });
      }
  });
};
