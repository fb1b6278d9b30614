import { mkdtempSync } from 'node:fs';
import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSightline, type StartOptions, startSightline } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';

/** startTestApp with limits of the test's choosing (StartOptions), over a fresh data dir. */
export function startLimitedApp(
  options: StartOptions,
  dataDir = mkdtempSync(join(tmpdir(), 'sightline-limits-')),
): Promise<RunningSightline> {
  return startSightline(resolveConfig({ port: '0', host: '127.0.0.1', dataDir }, {}), options);
}

/**
 * Loopback has the whole 127.0.0.0/8: binding the client side to 127.0.0.N makes a different
 * client address for the server, so one test can be several clients.
 */
export function clientIp(n: number): string {
  return `127.0.0.${n}`;
}

/** A raw TCP connection from `localAddress`, once connected. */
export function connectFrom(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the peer sends until it closes (or `timeoutMs` passes). */
export function readUntilClosed(socket: Socket, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(text), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on a new connection (no pooling) from `localAddress`, read to the end. */
export function requestFrom(
  url: string,
  localAddress = '127.0.0.1',
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent: false, localAddress, method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A request whose answer is left unread (a stream, or a client that stopped reading): its head, and the response. */
export function openFrom(
  url: string,
  localAddress = '127.0.0.1',
  headers: Record<string, string> = {},
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, localAddress, headers }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** Reads a response's body in full (for answers that are not streams). */
export async function bodyOf(res: IncomingMessage): Promise<string> {
  let body = '';
  res.setEncoding('utf8');
  for await (const chunk of res) body += chunk as string;
  return body;
}

/** The p-th percentile (0-100) of durations in ms. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Runs `fn` `times` times in a row; the duration of each, in ms. */
export async function timeEach(times: number, fn: () => Promise<void>): Promise<number[]> {
  const durations: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await fn();
    durations.push(performance.now() - start);
  }
  return durations;
}

/** The bound a p99 under load must stay within: twice the baseline, with a 100 ms floor for tiny baselines. */
export function latencyBound(baselineMs: number): number {
  return Math.max(2 * baselineMs, 100);
}

/** Waits until `check` holds (polling), or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
