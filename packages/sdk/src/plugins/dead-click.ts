import { DEAD_CLICK_WAIT_MS } from '@sightline/schema/friction';
import { listen } from '../core/dom.js';
import { cssSelector, targetElement } from './element.js';
import { type Plugin, stopAll } from './plugin.js';

/** A click is dead when nothing reacts within this time (shared with the server's friction catalogue). */
export const DEAD_CLICK_TIMEOUT_MS = DEAD_CLICK_WAIT_MS;
/** Form fields react without changing the DOM (focus, caret), so clicks on them are never judged. */
export const DEAD_CLICK_IGNORED = 'input,textarea,select,option,label,[contenteditable]';

/**
 * `dead_click` with the selector of a clicked element when neither the DOM (any mutation), the URL,
 * the scroll position nor the page's visibility changed within DEAD_CLICK_TIMEOUT_MS.
 */
export const deadClicks: Plugin = (context) => {
  let lastReaction = 0;
  let leaving = false;
  const react = () => {
    lastReaction = Date.now();
  };
  const observer = new MutationObserver(react);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const onClick = (event: MouseEvent) => {
    const element = targetElement(event);
    if (!element || element.closest(DEAD_CLICK_IGNORED)) return;
    const clickedAt = Date.now();
    const url = location.href;
    const timer = setTimeout(() => {
      timers.delete(timer);
      const dead = lastReaction < clickedAt && location.href === url && !leaving && !document.hidden;
      if (dead)
        context.track('dead_click', { selector: cssSelector(element), x: event.clientX, y: event.clientY });
    }, DEAD_CLICK_TIMEOUT_MS);
    timers.add(timer);
  };

  return stopAll([
    listen<MouseEvent>(document, 'click', onClick, { capture: true, passive: true }),
    listen(document, 'scroll', react, { capture: true, passive: true }),
    listen(document, 'visibilitychange', react),
    listen(window, 'pagehide', () => {
      leaving = true;
    }),
    listen(window, 'pageshow', () => {
      leaving = false;
    }),
    () => observer.disconnect(),
    () => {
      for (const timer of timers) clearTimeout(timer);
    },
  ]);
};
