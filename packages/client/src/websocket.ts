/**
 * An event handler property. Declared through a method so its parameter is checked bivariantly:
 * the browser's and `ws`'s richer event types then fit.
 */
type Handler<E> = { handle(event: E): void }['handle'] | null;

/** The part of the WebSocket API the client uses: the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown>;
  onmessage: Handler<{ data: unknown }>;
  onclose: Handler<{ code: number; reason: string }>;
  onerror: Handler<unknown>;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** `http(s)://host[:port][/base]` or `ws(s)://…` → the `/v1/live` WebSocket URL. */
export function liveUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (!url.pathname.endsWith('/v1/live')) url.pathname = `${url.pathname.replace(/\/$/, '')}/v1/live`;
  return url.toString();
}

/** The environment's WebSocket (browsers, Node >= 22); Node 20 needs the constructor passed in. */
export function defaultWebSocket(): WebSocketConstructor {
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!global) {
    throw new Error('no global WebSocket here (Node 20): pass { WebSocket } from the "ws" package');
  }
  return global;
}
