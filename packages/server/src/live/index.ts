export { DEFAULT_LIVE_LIMITS, type LiveLimits, liveLimitsFromEnv } from './live-limits.js';
export { DEFAULT_LIVE_INTERVAL_MS, LiveQueries } from './live-queries.js';
export { attachLiveServer, LIVE_PATH, type LiveServer } from './live-server.js';
export { committedEventWrites, type WriteListener, WriteNotices } from './write-notices.js';
