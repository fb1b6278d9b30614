import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * `before`: answer 503 without forwarding (nothing stored). `after`: forward, wait for the real
 * answer (the events are stored), then answer 503 anyway — the client must retry a batch the
 * server already has, the harder case for exactly-once.
 */
export type Failure = 'before' | 'after';

export interface FlakyProxy {
  url: string;
  /** Requests seen per path, and how many of them were failed on purpose. */
  seen: Array<{ method: string; path: string; status: number }>;
  close(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function forward(
  target: URL,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const upstream = request(new URL(req.url ?? '/', target), { method: req.method, headers }, (res) => {
      readAll(res).then(
        (bytes) =>
          resolve({
            status: res.statusCode ?? 502,
            headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') },
            body: bytes,
          }),
        reject,
      );
    });
    upstream.on('error', reject);
    upstream.end(body);
  });
}

/**
 * A node:http proxy in front of a Sightline server that fails the first requests whose path
 * `failWhen` accepts, in the order of `failures`; everything else passes through.
 */
export async function startFlakyProxy(
  target: string,
  failures: Failure[],
  failWhen: (method: string, path: string) => boolean,
): Promise<FlakyProxy> {
  const queue = [...failures];
  const seen: FlakyProxy['seen'] = [];
  const server: Server = createServer((req, res) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://proxy').pathname;
    const failure = failWhen(method, path) ? queue.shift() : undefined;
    const fail = () => {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end('{"error":"overloaded","message":"forced by the test proxy"}');
    };
    void (async () => {
      const body = await readAll(req);
      if (failure === 'before') {
        seen.push({ method, path, status: 503 });
        fail();
        return;
      }
      const answer = await forward(new URL(target), req, body);
      if (failure === 'after') {
        seen.push({ method, path, status: 503 });
        fail();
        return;
      }
      seen.push({ method, path, status: answer.status });
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })().catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
