export { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
export {
  type ConnectionState,
  LiveClient,
  type LiveClientOptions,
  type LiveError,
  type ResultListener,
} from './live-client.js';
export { liveUrl, type WebSocketConstructor, type WebSocketLike } from './websocket.js';
