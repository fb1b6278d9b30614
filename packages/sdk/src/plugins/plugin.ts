import type { Properties, SightlineOptions } from '../types.js';

/** What a plugin may use of the client. */
export interface PluginContext {
  track(event: string, properties?: Properties): void;
  /** Runs on pagehide, before the final beacon, so events made here still leave with the page. */
  onUnload(hook: () => void): () => void;
  /** True the first time `key` is seen by this client: for things that happen once per page. */
  once(key: string): boolean;
  options: SightlineOptions;
}

/** Starts capturing; returns the function that stops it. */
export type Plugin = (context: PluginContext) => () => void;

/** Runs every stop function. */
export const stopAll = (stops: Array<() => unknown>) => (): void => {
  for (const stop of stops) stop();
};
