export { DEFAULT_LIVE_INTERVAL_MS, LiveQueries, type WriteSource } from './live-queries.js';
export { attachLiveServer, LIVE_PATH, type LiveServer } from './live-server.js';
