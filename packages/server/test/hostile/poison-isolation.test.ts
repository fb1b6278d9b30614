import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { createProject, type ProjectKeys } from '../../src/projects/default-project.js';
import { exportAll } from '../support/app.js';
import { type AppEngine, startAppOn } from '../support/app-engines.js';
import { type Poison, poisons } from './poisons.js';

/**
 * Good clients of two projects keep sending while a hostile client (with the first project's
 * public key, as anyone has it) sends every poison it can think of. Each poison is refused with a
 * documented 4xx or refused inside a 200 batch, the good events around it are stored, and no good
 * client ever sees an error.
 */
describe.each<AppEngine>(['duckdb', 'clickhouse'])('poison requests on %s', (engine) => {
  let app: RunningSightline;
  let other: ProjectKeys;
  beforeAll(async () => {
    app = await startAppOn(engine);
    other = await createProject(app.engine, 'other', 'Other');
    await app.projects.reload();
  });
  afterAll(async () => {
    await app.close();
  });

  const post = async (path: string, body: string | Buffer, headers: Record<string, string>) => {
    const res = await fetch(`${app.url}${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Asserted below: every answer is JSON.
    }
    return { status: res.status, text, json };
  };

  /** A good client: batches of 10 native events, one after another, until told to stop. */
  async function goodClient(apiKey: string, stop: { done: boolean }, sent: string[], failures: string[]) {
    while (!stop.done) {
      const batch = Array.from({ length: 10 }, () => {
        const uuid = randomUUID();
        return { uuid, event: 'good', distinct_id: 'g', session_id: 'gs', timestamp: Date.now() };
      });
      const res = await post('/v1/events', JSON.stringify({ api_key: apiKey, batch, sent_at: Date.now() }), {
        'content-type': 'application/json',
      });
      if (res.status === 200 && res.json['accepted'] === 10) sent.push(...batch.map((e) => e.uuid));
      else failures.push(`${res.status} ${res.text.slice(0, 200)}`);
    }
  }

  it('refuses each poison with its code, stores the good events beside it, and fails no good client', async () => {
    const stop = { done: false };
    const sentA: string[] = [];
    const sentB: string[] = [];
    const failures: string[] = [];
    const clients = [
      goodClient(app.keys.publicKey, stop, sentA, failures),
      goodClient(app.keys.publicKey, stop, sentA, failures),
      goodClient(other.publicKey, stop, sentB, failures),
      goodClient(other.publicKey, stop, sentB, failures),
    ];
    const storedByPoison: string[] = [];
    const list: Poison[] = poisons(app.keys.publicKey);
    try {
      for (let round = 0; round < 3; round++) {
        for (const poison of list) {
          if (poison.once && round > 0) continue;
          const request = poison.request();
          const res = await post(request.path, request.body, request.headers);
          expect(
            res.json,
            `${poison.name}: answer is JSON (${res.status} ${res.text.slice(0, 120)})`,
          ).toHaveProperty(poison.expect.status === 200 ? 'rejected' : 'error');
          expect(res.status, `${poison.name}: ${res.text.slice(0, 300)}`).toBe(poison.expect.status);
          if (poison.expect.status !== 200) expect(res.json['error']).toBe(poison.expect.error);
          const codes = ((res.json['rejected'] ?? []) as Array<{ code: string }>).map((r) => r.code);
          expect(codes, poison.name).toEqual(poison.expect.rejected);
          storedByPoison.push(...(request.goodUuids ?? []));
        }
      }
    } finally {
      stop.done = true;
      await Promise.all(clients);
    }
    expect(failures).toEqual([]);
    expect(sentA.length).toBeGreaterThan(0);
    expect(sentB.length).toBeGreaterThan(0);

    const exportedA = (await exportAll(app)).map((e) => e['uuid'] as string);
    const exportedB = (await exportAll(app, other.secretKey)).map((e) => e['uuid'] as string);
    const countsA = new Map<string, number>();
    for (const uuid of exportedA) countsA.set(uuid, (countsA.get(uuid) ?? 0) + 1);
    for (const uuid of [...sentA, ...storedByPoison]) expect(countsA.get(uuid), uuid).toBe(1);
    expect(new Set(exportedB)).toEqual(new Set(sentB));
    expect(exportedB.length).toBe(sentB.length);
    // Everything stored is inside the documented window: a plain export returns all of it.
    const health = await fetch(`${app.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
