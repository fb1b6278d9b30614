import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { type RunningSightline, type StartOptions, startSightline } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';
import { createProject, type ProjectKeys } from '../../src/projects/default-project.js';

export async function startLiveApp(options: StartOptions = {}): Promise<RunningSightline> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-live-'));
  return startSightline(resolveConfig({ port: '0', host: '127.0.0.1', dataDir }, {}), options);
}

export interface Received {
  type: string;
  id?: string;
  value?: unknown;
  error?: string;
  message?: string;
}

/** A raw protocol client: every message it gets is kept, in order. */
export class RawLiveClient {
  readonly messages: Received[] = [];
  readonly socket: WebSocket;
  private waiters: Array<() => void> = [];

  constructor(url: string) {
    this.socket = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/live`);
    this.socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as Received);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  opened(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.readyState === WebSocket.OPEN) resolve();
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Resolves with the first kept message matching, waiting for it when needed. */
  async waitFor(match: (m: Received) => boolean, timeoutMs = 10_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no matching message; got ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  closed(): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) =>
      this.socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  close(): void {
    this.socket.close();
  }
}

export async function postEvent(app: RunningSightline, event: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${app.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: app.keys.publicKey, batch: [event] }),
  });
  if (res.status !== 200) throw new Error(`events: ${res.status} ${await res.text()}`);
}

/** A raw client, connected and authenticated with `key` (its `ready` received). */
export async function readyClient(url: string, key: string): Promise<RawLiveClient> {
  const client = new RawLiveClient(url);
  await client.opened();
  client.send({ type: 'auth', key });
  await client.waitFor((m) => m.type === 'ready');
  return client;
}

/** Another project on the running app, usable at once (the key directory reloaded). */
export async function addProject(app: RunningSightline, id: string): Promise<ProjectKeys> {
  const keys = await createProject(app.engine, id, id);
  await app.projects.reload();
  return keys;
}
