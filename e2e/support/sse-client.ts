/** A minimal Server-Sent Events reader over fetch, for tests and benchmarks (Node has no EventSource). */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

export interface SseStream {
  status: number;
  /** The next message (comments skipped); rejects after timeoutMs. */
  next(timeoutMs?: number): Promise<SseMessage>;
  /** Messages received and not yet taken with next(). */
  buffered(): SseMessage[];
  close(): void;
}

function parseFrame(frame: string): SseMessage | null {
  const message: SseMessage = { event: 'message', data: '' };
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') message.event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') message.id = value;
  }
  if (data.length === 0) return null;
  message.data = data.join('\n');
  return message;
}

export async function openSse(url: string, onMessage?: (message: SseMessage) => void): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  const queue: SseMessage[] = [];
  const waiters: Array<(m: SseMessage) => void> = [];
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let text = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          text += decoder.decode(chunk, { stream: true });
          let end = text.indexOf('\n\n');
          while (end !== -1) {
            const message = parseFrame(text.slice(0, end));
            text = text.slice(end + 2);
            end = text.indexOf('\n\n');
            if (!message) continue;
            onMessage?.(message);
            const waiter = waiters.shift();
            if (waiter) waiter(message);
            else queue.push(message);
          }
        }
      } catch {
        // closed
      }
    })();
  } else {
    await res.arrayBuffer().catch(() => undefined);
  }
  return {
    status: res.status,
    next(timeoutMs = 10_000) {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise<SseMessage>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(done), 1);
          reject(new Error(`no SSE message within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (m: SseMessage) => {
          clearTimeout(timer);
          resolve(m);
        };
        waiters.push(done);
      });
    },
    buffered: () => queue.splice(0),
    close: () => controller.abort(),
  };
}
