import { LIB_NAME, LIB_VERSION } from '../version.js';

/** addEventListener that returns its own removal. */
export function listen<E extends Event = Event>(
  target: EventTarget,
  type: string,
  handler: (event: E) => void,
  options: AddEventListenerOptions = { passive: true },
): () => void {
  const listener = handler as EventListener;
  target.addEventListener(type, listener, options);
  return () => target.removeEventListener(type, listener, options);
}

/** ms since the document started loading. */
export const timeOnPage = (): number => Math.round(performance.now());

/** Properties every event carries (the server falls back to the request's User-Agent). */
export const pageContext = () => ({
  url: location.href,
  path: location.pathname,
  referrer: document.referrer,
  screen_width: screen.width,
  screen_height: screen.height,
  $lib: LIB_NAME,
  $lib_version: LIB_VERSION,
});
