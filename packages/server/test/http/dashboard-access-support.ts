import { DASHBOARD_REQUEST_HEADER } from '@sightline/schema';
import { parseSetCookie, type SetCookie } from 'cookie';
import { vi } from 'vitest';
import WebSocket from 'ws';
import type { RunningSightline } from '../../src/app.js';

/** The header the dashboard sends with every cookie request. */
export const DASHBOARD_HEADERS = { [DASHBOARD_REQUEST_HEADER]: '1' } as const;

export interface SignedIn {
  status: number;
  body: Record<string, unknown>;
  /** The Set-Cookie the answer carried (parsed), if any. */
  setCookie: SetCookie | undefined;
  /** `name=value`, as a browser would send it back. */
  cookie: string;
}

/** `POST /v1/sign-in` with `{ key }`, as the dashboard does. */
export async function signIn(
  app: RunningSightline,
  key: string,
  headers: Record<string, string> = {},
): Promise<SignedIn> {
  const res = await fetch(`${app.url}/v1/sign-in`, {
    method: 'POST',
    headers: { ...DASHBOARD_HEADERS, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ key }),
  });
  const raw = res.headers.getSetCookie()[0];
  const setCookie = raw === undefined ? undefined : parseSetCookie(raw);
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    setCookie,
    cookie: setCookie ? `${setCookie.name}=${setCookie.value}` : '',
  };
}

/** A request with the cookie (and the dashboard's header unless `dashboardHeader` is false). */
export async function withCookie(
  app: RunningSightline,
  cookie: string,
  method: string,
  path: string,
  body?: unknown,
  dashboardHeader = true,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app.url}${path}`, {
    method,
    headers: {
      cookie,
      ...(dashboardHeader ? DASHBOARD_HEADERS : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, text: await res.text() };
}

export interface LiveMessage {
  type: string;
  id?: string;
  error?: string;
  value?: unknown;
}

/** A `/v1/live` socket opened with handshake headers (a browser sends its cookie and Origin). */
export class LiveSocket {
  readonly messages: LiveMessage[] = [];
  readonly socket: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(app: RunningSightline, headers: Record<string, string>) {
    this.socket = new WebSocket(`${app.url.replace(/^http/, 'ws')}/v1/live`, { headers });
    this.socket.on('message', (data) => this.messages.push(JSON.parse(String(data)) as LiveMessage));
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  async send(message: object): Promise<void> {
    if (this.socket.readyState !== WebSocket.OPEN)
      await new Promise((resolve, reject) => {
        this.socket.once('open', resolve);
        this.socket.once('error', reject);
      });
    this.socket.send(JSON.stringify(message));
  }

  async waitFor(match: (m: LiveMessage) => boolean, timeoutMs = 10_000): Promise<LiveMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message in ${JSON.stringify(this.messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** The Origin the server's own pages send. */
export const ownOrigin = (app: RunningSightline): string => app.url;

/**
 * Everything the server writes through console.* while `run` runs (the server's only logger), so
 * a test can prove no key or cookie reaches the logs.
 */
export async function capturedLogs(run: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const record = (...args: unknown[]) => {
    lines.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
  };
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    vi.spyOn(console, level).mockImplementation(record),
  );
  try {
    await run();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines.join('\n');
}
