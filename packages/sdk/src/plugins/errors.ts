import { listen } from '../core/dom.js';
import { type Plugin, stopAll } from './plugin.js';

/** A page in an error loop must not flood the queue. */
export const MAX_ERRORS_PER_PAGE = 25;
export const MAX_STACK_LENGTH = 4000;

/**
 * `error` with message, stack and source (`window.onerror` or `unhandledrejection`) plus the script
 * position when the browser gives it.
 */
export const errors: Plugin = (context) => {
  let count = 0;
  const report = (source: string, reason: unknown, position?: ErrorEvent) => {
    if (++count > MAX_ERRORS_PER_PAGE) return;
    const error = reason instanceof Error ? reason : undefined;
    context.track('error', {
      message: error?.message ?? position?.message ?? String(reason),
      stack: error?.stack?.slice(0, MAX_STACK_LENGTH),
      source,
      filename: position?.filename,
      lineno: position?.lineno,
      colno: position?.colno,
    });
  };
  return stopAll([
    listen<ErrorEvent>(window, 'error', (event) => report('window.onerror', event.error, event)),
    listen<PromiseRejectionEvent>(window, 'unhandledrejection', (event) =>
      report('unhandledrejection', event.reason),
    ),
  ]);
};
