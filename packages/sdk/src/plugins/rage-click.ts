import {
  RAGE_CLICK_MAX_DISTANCE_PX,
  RAGE_CLICK_MAX_INTERVAL_MS,
  RAGE_CLICK_MIN_CLICKS,
} from '@sightline/schema/friction';
import { listen } from '../core/dom.js';
import { cssSelector, targetElement } from './element.js';
import type { Plugin } from './plugin.js';

// The server's friction catalogue judges bursts by the same limits (one definition in @sightline/schema).
export { RAGE_CLICK_MAX_DISTANCE_PX, RAGE_CLICK_MAX_INTERVAL_MS, RAGE_CLICK_MIN_CLICKS };

interface Click {
  x: number;
  y: number;
  time: number;
}

/**
 * Counts clicks that land close together in quick succession. Reports a burst once, when it reaches
 * RAGE_CLICK_MIN_CLICKS, so a frustrated user is noticed while still clicking.
 */
export class RageClickDetector {
  private clicks: Click[] = [];

  /** Returns the burst's click count when this click makes it a rage click, else 0. */
  add(x: number, y: number, time: number): number {
    const last = this.clicks[this.clicks.length - 1];
    const continues =
      last &&
      Math.hypot(x - last.x, y - last.y) <= RAGE_CLICK_MAX_DISTANCE_PX &&
      time - last.time <= RAGE_CLICK_MAX_INTERVAL_MS;
    if (continues) this.clicks.push({ x, y, time });
    else this.clicks = [{ x, y, time }];
    return this.clicks.length === RAGE_CLICK_MIN_CLICKS ? RAGE_CLICK_MIN_CLICKS : 0;
  }
}

/** `rage_click` with click_count, x, y and the selector of the element clicked. */
export const rageClicks: Plugin = (context) => {
  const detector = new RageClickDetector();
  return listen<MouseEvent>(
    document,
    'click',
    (event) => {
      const count = detector.add(event.clientX, event.clientY, Date.now());
      const element = targetElement(event);
      if (count && element)
        context.track('rage_click', {
          click_count: count,
          x: event.clientX,
          y: event.clientY,
          selector: cssSelector(element),
        });
    },
    { capture: true, passive: true },
  );
};
