/**
 * Friction thresholds the browser SDK and the server both apply: the SDK detects rage and dead
 * clicks as they happen, the server's friction catalogue (packages/server/src/friction/) judges
 * the same bursts from stored clicks. One definition, so both sides call the same burst a rage click.
 * Plain numbers only: the SDK bundles this file, nothing else of the schema package.
 */

/** A burst needs this many clicks (posthog-js uses 3: two quick clicks are a double click, three are not). */
export const RAGE_CLICK_MIN_CLICKS = 3;
/** Each click within this distance (px) of the one before: the same target, allowing a shaky hand. */
export const RAGE_CLICK_MAX_DISTANCE_PX = 30;
/** Each click within this time (ms) of the one before: slower clicking is waiting, not frustration. */
export const RAGE_CLICK_MAX_INTERVAL_MS = 1000;

/**
 * A click is dead when nothing reacts (no DOM change, navigation or scroll) within this time (ms):
 * long enough for a slow handler to start visibly, short enough to catch the user's retry.
 */
export const DEAD_CLICK_WAIT_MS = 1000;
