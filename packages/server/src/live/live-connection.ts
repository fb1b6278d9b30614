import type { RawData, WebSocket } from 'ws';
import { ApiError } from '../errors.js';
import type { ProjectDirectory } from '../projects/directory.js';
import type { LiveQueries } from './live-queries.js';
import { Outbox } from './outbox.js';
import { CLOSE_CODES, clientMessageSchema, errorMessage, resultMessage } from './protocol.js';

export const AUTH_TIMEOUT_MS = 10_000;

/** One `/v1/live` client: authenticates, then holds its subscriptions until it leaves. */
export class LiveConnection {
  private projectId: string | null = null;
  /** Gives back this connection's place in its project's connection limit. */
  private releaseConnection: (() => void) | null = null;
  private readonly subscriptions = new Map<string, () => void>();
  private readonly outbox: Outbox;
  private readonly authTimer: ReturnType<typeof setTimeout>;
  private controlMessages = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly projects: ProjectDirectory,
    private readonly live: LiveQueries,
    highWaterBytes?: number,
  ) {
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
    if (msg.type === 'auth') this.authenticate(msg.key);
    else if (this.projectId === null)
      this.socket.close(CLOSE_CODES.unauthorized, 'send { type: "auth", key } first');
    else if (msg.type === 'unsubscribe') this.unsubscribe(msg.id);
    else this.subscribe(this.projectId, msg.id, msg.query, msg.args);
  }

  private authenticate(key: string): void {
    if (this.projectId !== null) {
      this.sendControl(errorMessage('invalid_arguments', 'this connection is already authenticated'));
      return;
    }
    const project = this.projects.bySecretKey(key);
    if (!project) {
      // The key itself is never echoed or logged.
      this.socket.send(errorMessage('invalid_secret_key', 'unknown secret key'));
      this.socket.close(CLOSE_CODES.unauthorized, 'invalid secret key');
      return;
    }
    clearTimeout(this.authTimer);
    try {
      this.releaseConnection = this.live.openConnection(project.id);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      this.socket.send(errorMessage(error.code, error.message));
      this.socket.close(CLOSE_CODES.rateLimited, 'too many live connections for this project');
      return;
    }
    this.projectId = project.id;
    this.sendControl(JSON.stringify({ type: 'ready' }));
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
    clearTimeout(this.authTimer);
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    this.releaseConnection?.();
    this.releaseConnection = null;
    this.outbox.close();
  }
}
