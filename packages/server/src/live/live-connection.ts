import type { IncomingMessage } from 'node:http';
import type { RawData, WebSocket } from 'ws';
import { ApiError } from '../errors.js';
import { fromOwnOrigin, sessionCookieOf } from '../http/session-cookie.js';
import type { Access, DashboardAccess } from '../projects/dashboard-access.js';
import type { LiveQueries } from './live-queries.js';
import { Outbox } from './outbox.js';
import {
  CLOSE_CODES,
  type ClientMessage,
  clientMessageSchema,
  errorMessage,
  resultMessage,
} from './protocol.js';

export const AUTH_TIMEOUT_MS = 10_000;
/** Messages kept while the key or cookie is being checked (a client that subscribes at once). */
const MAX_MESSAGES_DURING_AUTH = 100;

/** One `/v1/live` client: authenticates, then holds its subscriptions until it leaves. */
export class LiveConnection {
  private projectId: string | null = null;
  /** Gives back this connection's place in its project's connection limit. */
  private releaseConnection: (() => void) | null = null;
  private readonly subscriptions = new Map<string, () => void>();
  private readonly outbox: Outbox;
  private readonly authTimer: ReturnType<typeof setTimeout>;
  private controlMessages = 0;
  /** While the key or cookie is checked (it may need a storage read), later messages wait here. */
  private waiting: ClientMessage[] | null = null;
  /** Stops watching the access for its end (a revoked share key, a signed-out session). */
  private stopWatching: (() => void) | null = null;
  private disposed = false;
  /** The sign-in cookie of the handshake, counted only when the page is this server's own. */
  private readonly sessionCookie: string | undefined;
  private readonly cookieFromOwnOrigin: boolean;

  constructor(
    private readonly socket: WebSocket,
    private readonly access: DashboardAccess,
    private readonly live: LiveQueries,
    handshake: IncomingMessage,
    highWaterBytes?: number,
  ) {
    this.sessionCookie = sessionCookieOf(handshake);
    this.cookieFromOwnOrigin = fromOwnOrigin(handshake);
    this.outbox = new Outbox(socket, highWaterBytes);
    this.authTimer = setTimeout(
      () => socket.close(CLOSE_CODES.authTimeout, 'send { type: "auth", key } first'),
      AUTH_TIMEOUT_MS,
    );
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('close', () => this.dispose());
    socket.on('error', () => this.dispose());
  }

  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  private sendControl(message: string): void {
    // Errors and acknowledgements are never dropped: each gets its own key.
    this.outbox.send(`\u0000${this.controlMessages++}`, message);
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    let message: unknown;
    try {
      message = JSON.parse(isBinary ? '' : data.toString());
    } catch {
      this.sendControl(errorMessage('invalid_json', 'messages are JSON text'));
      return;
    }
    const parsed = clientMessageSchema.safeParse(message);
    if (!parsed.success) {
      this.sendControl(
        errorMessage('invalid_arguments', 'expected { type: "auth" | "subscribe" | "unsubscribe", … }'),
      );
      return;
    }
    const msg = parsed.data;
    if (this.waiting) {
      if (this.waiting.length >= MAX_MESSAGES_DURING_AUTH)
        this.socket.close(CLOSE_CODES.protocol, 'wait for { type: "ready" }');
      else this.waiting.push(msg);
      return;
    }
    this.handle(msg);
  }

  private handle(msg: ClientMessage): void {
    if (msg.type === 'auth') {
      this.authenticate(msg.key).catch((error: unknown) => {
        console.error('[sightline] live authentication failed:', (error as Error)?.message ?? error);
        this.socket.close(1011, 'internal error');
      });
    } else if (this.projectId === null)
      this.socket.close(CLOSE_CODES.unauthorized, 'send { type: "auth", key } first');
    else if (msg.type === 'unsubscribe') this.unsubscribe(msg.id);
    else this.subscribe(this.projectId, msg.id, msg.query, msg.args);
  }

  /** A key in the message (the secret key or a share key), else the handshake's sign-in cookie. */
  private resolveAccess(key: string | undefined): Promise<Access> {
    if (key !== undefined) return this.access.byKey(key);
    if (!this.sessionCookie)
      throw new ApiError('missing_secret_key', 'send { type: "auth", key } or sign in (POST /v1/sign-in)');
    if (!this.cookieFromOwnOrigin)
      throw new ApiError('cross_site_request', 'the sign-in cookie opens live queries only from this server');
    return this.access.bySession(this.sessionCookie);
  }

  private async authenticate(key: string | undefined): Promise<void> {
    if (this.projectId !== null) {
      this.sendControl(errorMessage('invalid_arguments', 'this connection is already authenticated'));
      return;
    }
    this.waiting = [];
    let access: Access;
    try {
      access = await this.resolveAccess(key);
    } catch (error) {
      this.waiting = null;
      if (this.disposed) return;
      if (!(error instanceof ApiError)) {
        // Storage could not answer: no proof the key is wrong, so the client retries (1011).
        this.socket.close(1011, 'could not check the key; retry');
        return;
      }
      // The key itself is never echoed or logged.
      this.socket.send(errorMessage(error.code, error.message));
      this.socket.close(CLOSE_CODES.unauthorized, 'unauthorized');
      return;
    }
    if (this.disposed) return;
    const project = access.project;
    clearTimeout(this.authTimer);
    try {
      this.releaseConnection = this.live.openConnection(project.id);
    } catch (error) {
      this.waiting = null;
      if (!(error instanceof ApiError)) throw error;
      this.socket.send(errorMessage(error.code, error.message));
      this.socket.close(CLOSE_CODES.rateLimited, 'too many live connections for this project');
      return;
    }
    this.projectId = project.id;
    // A revoked share key or a signed-out session ends the connection, not just new ones.
    this.stopWatching = this.access.watch(access, () => {
      this.socket.send(errorMessage('invalid_secret_key', 'the key or sign-in was revoked'));
      this.socket.close(CLOSE_CODES.unauthorized, 'revoked');
    });
    this.sendControl(JSON.stringify({ type: 'ready' }));
    const waiting = this.waiting ?? [];
    this.waiting = null;
    for (const msg of waiting) this.handle(msg);
  }

  private subscribe(projectId: string, id: string, query: string, args: unknown): void {
    if (this.subscriptions.has(id)) {
      this.sendControl(errorMessage('invalid_arguments', `subscription id "${id}" is already in use`, id));
      return;
    }
    const { maxSubscriptionsPerConnection } = this.live.limits;
    if (this.subscriptions.size >= maxSubscriptionsPerConnection) {
      this.sendControl(
        errorMessage(
          'rate_limited',
          `at most ${maxSubscriptionsPerConnection} subscriptions per connection`,
          id,
        ),
      );
      return;
    }
    try {
      const unsubscribe = this.live.subscribe(projectId, query, args, {
        result: (valueJson) => this.outbox.send(id, resultMessage(id, valueJson)),
        error: (code, message) => this.outbox.send(id, errorMessage(code, message, id)),
      });
      this.subscriptions.set(id, unsubscribe);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.sendControl(errorMessage(error.code, error.message, id));
    }
  }

  private unsubscribe(id: string): void {
    this.subscriptions.get(id)?.();
    this.subscriptions.delete(id);
    this.outbox.forget(id);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.authTimer);
    this.stopWatching?.();
    this.stopWatching = null;
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    this.releaseConnection?.();
    this.releaseConnection = null;
    this.outbox.close();
  }
}
