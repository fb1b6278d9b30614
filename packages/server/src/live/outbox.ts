import type { WebSocket } from 'ws';

/** Above this many bytes waiting in a socket, results are held back (latest per subscription). */
export const DEFAULT_HIGH_WATER_BYTES = 256 * 1024;
const RETRY_MS = 20;

/**
 * Sends to one client without ever letting it slow others: while the socket's buffer is above the
 * high-water mark, each subscription keeps only its latest message and is sent once it drains.
 */
export class Outbox {
  private readonly held = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Intermediate messages replaced before they were sent (a slow client). */
  dropped = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly highWaterBytes = DEFAULT_HIGH_WATER_BYTES,
  ) {}

  /** Queues the latest message of a subscription (key); control messages use a unique key. */
  send(key: string, message: string): void {
    if (this.held.size === 0 && this.socket.bufferedAmount <= this.highWaterBytes) {
      this.socket.send(message);
      return;
    }
    if (this.held.delete(key)) this.dropped++;
    this.held.set(key, message);
    this.retryLater();
  }

  /** Forgets what a subscription still had waiting (it was unsubscribed). */
  forget(key: string): void {
    this.held.delete(key);
  }

  get heldCount(): number {
    return this.held.size;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.held.clear();
  }

  private retryLater(): void {
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, RETRY_MS);
  }

  private flush(): void {
    if (this.socket.readyState !== this.socket.OPEN) {
      this.close();
      return;
    }
    for (const [key, message] of this.held) {
      if (this.socket.bufferedAmount > this.highWaterBytes) break;
      this.held.delete(key);
      this.socket.send(message);
    }
    if (this.held.size > 0) this.retryLater();
  }
}
