import type { QueryArgs, QueryName, QueryResult } from '@sightline/schema';
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';
import { defaultWebSocket, liveUrl, type WebSocketConstructor, type WebSocketLike } from './websocket.js';

/** connecting → open (authenticated); reconnecting after a drop; closed by close() or a refused key. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface LiveError {
  /** The server's error code, e.g. `invalid_arguments`, `not_found`, `invalid_secret_key`. */
  error: string;
  message: string;
}

export type ResultListener<T = unknown> = (value: T) => void;

export interface LiveClientOptions {
  /** The Sightline server, `http(s)://…` or `ws(s)://…`. */
  url: string;
  /**
   * The project's secret key, or a read-only share key (`sl_ro_…`). Keep it out of public pages:
   * live queries read all project data. Left out in a browser signed in to the dashboard
   * (`POST /v1/sign-in`): the sign-in cookie authenticates.
   */
  key?: string;
  /** Required on Node 20 (no global WebSocket): e.g. `WebSocket` from the `ws` package. */
  WebSocket?: WebSocketConstructor;
  backoff?: Partial<BackoffOptions>;
}

interface Subscription {
  query: string;
  args: unknown;
  onResult: ResultListener;
  onError?: ((error: LiveError) => void) | undefined;
}

/** Server close code for a refused key: retrying would not help. */
const UNAUTHORIZED_CLOSE = 4401;
const OPEN = 1;

/**
 * A `/v1/live` connection: subscriptions survive reconnects (they are sent again after each
 * authentication), and every result is the full current value of the query.
 */
export class LiveClient {
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly stateListeners = new Set<(state: ConnectionState, error?: LiveError) => void>();
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly backoff: BackoffOptions;
  private socket: WebSocketLike | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private nextId = 1;
  private currentState: ConnectionState = 'closed';
  private closedByUser = false;

  constructor(private readonly options: LiveClientOptions) {
    this.WebSocketImpl = options.WebSocket ?? defaultWebSocket();
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Calls `listener` at every state change; returns the function that stops it. */
  onStateChange(listener: (state: ConnectionState, error?: LiveError) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Opens the connection (subscribe() does it too). */
  connect(): void {
    this.closedByUser = false;
    if (this.socket || this.retryTimer) return;
    this.open(this.attempt === 0 ? 'connecting' : 'reconnecting');
  }

  /**
   * Runs `query` with `args` live: `onResult` gets the current value now and after every change.
   * Names, arguments and results are typed by the query map of @sightline/schema (QueryMap).
   */
  subscribe<N extends QueryName>(
    query: N,
    args: QueryArgs<N>,
    onResult: ResultListener<QueryResult<N>>,
    onError?: (error: LiveError) => void,
  ): () => void {
    const id = String(this.nextId++);
    this.subscriptions.set(id, { query, args, onResult: onResult as ResultListener, onError });
    if (this.currentState === 'open') this.sendSubscribe(id);
    else this.connect();
    return () => {
      if (!this.subscriptions.delete(id)) return;
      if (this.currentState === 'open') this.send({ type: 'unsubscribe', id });
    };
  }

  /** Closes for good (until connect() is called again). */
  close(): void {
    this.closedByUser = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'client closed');
    this.setState('closed');
  }

  private setState(state: ConnectionState, error?: LiveError): void {
    if (state === this.currentState && !error) return;
    this.currentState = state;
    for (const listener of this.stateListeners) listener(state, error);
  }

  private open(state: ConnectionState): void {
    this.setState(state);
    const socket = new this.WebSocketImpl(liveUrl(this.options.url));
    this.socket = socket;
    socket.onopen = () =>
      socket.send(
        JSON.stringify(this.options.key ? { type: 'auth', key: this.options.key } : { type: 'auth' }),
      );
    socket.onmessage = (event) =>
      this.onMessage(typeof event.data === 'string' ? event.data : String(event.data));
    socket.onerror = () => undefined; // a close event follows; reconnecting happens there.
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closedByUser) return;
      if (event.code === UNAUTHORIZED_CLOSE) {
        this.setState('closed', { error: 'invalid_secret_key', message: event.reason || 'unauthorized' });
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    this.setState('reconnecting');
    const delay = backoffDelay(this.attempt++, this.backoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open('reconnecting');
    }, delay);
  }

  private onMessage(text: string): void {
    let message: { type?: string; id?: string; value?: unknown; error?: string; message?: string };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.type === 'ready') {
      this.attempt = 0;
      this.setState('open');
      for (const id of this.subscriptions.keys()) this.sendSubscribe(id);
      return;
    }
    const subscription = message.id === undefined ? undefined : this.subscriptions.get(message.id);
    if (message.type === 'result') subscription?.onResult(message.value);
    else if (message.type === 'error') {
      const error = { error: message.error ?? 'unknown', message: message.message ?? '' };
      if (subscription) subscription.onError?.(error);
      else if (message.id === undefined) this.setState(this.currentState, error);
    }
  }

  private sendSubscribe(id: string): void {
    const s = this.subscriptions.get(id);
    if (s) this.send({ type: 'subscribe', id, query: s.query, args: s.args ?? {} });
  }

  private send(message: object): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }
}
