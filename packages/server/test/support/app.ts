import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSightline, startSightline } from '../../src/app.js';
import { resolveConfig } from '../../src/config.js';

/** An in-process server on 127.0.0.1:0 over a fresh data dir; `flags.demo` serves the demo (off by default). */
export async function startTestApp(
  dataDir = mkdtempSync(join(tmpdir(), 'sightline-app-')),
  flags: { demo?: boolean } = {},
): Promise<RunningSightline> {
  return startSightline(resolveConfig({ port: '0', host: '127.0.0.1', dataDir, ...flags }, {}));
}

export function eventBatch(apiKey: string, events: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ api_key: apiKey, batch: events, ...extra });
}

export async function postEvents(
  app: RunningSightline,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${app.url}/v1/events`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function exportAll(
  app: RunningSightline,
  secret = app.keys.secretKey,
): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${app.url}/v1/export`, { headers: { authorization: `Bearer ${secret}` } });
  if (res.status !== 200) throw new Error(`export: ${res.status} ${await res.text()}`);
  return (await res.text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
