import { type ClientRequest, request } from 'node:http';

/**
 * The part of the browser's EventSource the SDK uses, over node:http (Node 20 has none):
 * named events, onopen/onerror, readyState, reconnection after a lost stream, and
 * "failing the connection" (CLOSED, no reconnection) on a non-200 answer, as the spec says.
 */
export class NodeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static opened: NodeEventSource[] = [];
  readyState = NodeEventSource.CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  private request?: ClientRequest;
  private reconnectDelay = 100;

  constructor(readonly url: string) {
    super();
    NodeEventSource.opened.push(this);
    this.connect();
  }

  close(): void {
    this.readyState = NodeEventSource.CLOSED;
    this.request?.destroy();
  }

  private connect() {
    this.request = request(this.url, { headers: { Accept: 'text/event-stream' } }, (response) => {
      if (
        response.statusCode !== 200 ||
        !String(response.headers['content-type']).startsWith('text/event-stream')
      ) {
        response.resume();
        this.readyState = NodeEventSource.CLOSED;
        this.emit(new Event('error'));
        return;
      }
      this.readyState = NodeEventSource.OPEN;
      this.emit(new Event('open'));
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          this.dispatchBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      response.on('end', () => this.lost());
      response.on('error', () => this.lost());
    });
    this.request.on('error', () => this.lost());
    this.request.end();
  }

  private dispatchBlock(block: string) {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry') this.reconnectDelay = Number(value);
    }
    if (data.length) this.emit(new MessageEvent(type, { data: data.join('\n') }));
  }

  private lost() {
    if (this.readyState === NodeEventSource.CLOSED) return;
    this.readyState = NodeEventSource.CONNECTING;
    this.emit(new Event('error'));
    setTimeout(() => {
      if (this.readyState !== NodeEventSource.CLOSED) this.connect();
    }, this.reconnectDelay);
  }

  private emit(event: Event) {
    const handler = (this as unknown as Record<string, ((event: Event) => void) | null>)[`on${event.type}`];
    handler?.call(this, event);
    this.dispatchEvent(event);
  }
}
