import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { createProject, type ProjectKeys } from '../../src/projects/default-project.js';
import { eventBatch, exportAll, postEvents, startTestApp } from '../support/app.js';

describe('keys: public keys capture, secret keys read, each only its own project', () => {
  let app: RunningSightline;
  let other: ProjectKeys;
  beforeAll(async () => {
    app = await startTestApp();
    other = await createProject(app.engine, 'other', 'Other');
    await app.projects.reload();
  });
  afterAll(async () => {
    await app.close();
  });

  const query = (key: string | undefined) =>
    fetch(`${app.url}/v1/query/dashboard`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ time_range: '1h' }),
    });

  it('the public key cannot query or export', async () => {
    const q = await query(app.keys.publicKey);
    expect(q.status).toBe(401);
    expect(await q.json()).toMatchObject({ error: 'invalid_secret_key' });
    const exp = await fetch(`${app.url}/v1/export`, {
      headers: { authorization: `Bearer ${app.keys.publicKey}` },
    });
    expect(exp.status).toBe(401);
  });

  it('a missing or wrong secret gets 401', async () => {
    expect((await query(undefined)).status).toBe(401);
    expect((await query('sl_sec_wrong')).status).toBe(401);
    expect((await fetch(`${app.url}/v1/export`)).status).toBe(401);
  });

  it('the secret key cannot be used to capture', async () => {
    const res = await postEvents(
      app,
      eventBatch(app.keys.secretKey, [{ uuid: randomUUID(), event: 'e', distinct_id: 'd' }]),
    );
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.body)).not.toContain(app.keys.secretKey);
  });

  it("project A's secret key cannot read project B's events", async () => {
    const a = { uuid: randomUUID(), event: 'a_event', distinct_id: 'd', session_id: 'sa' };
    const b = { uuid: randomUUID(), event: 'b_event', distinct_id: 'd', session_id: 'sb' };
    expect((await postEvents(app, eventBatch(app.keys.publicKey, [a]))).status).toBe(200);
    expect((await postEvents(app, eventBatch(other.publicKey, [b]))).status).toBe(200);

    const exportedA = await exportAll(app);
    const exportedB = await exportAll(app, other.secretKey);
    expect(exportedA.map((e) => e['event'])).toEqual(['a_event']);
    expect(exportedB.map((e) => e['event'])).toEqual(['b_event']);

    const dashA = (await (await query(app.keys.secretKey)).json()) as { top_events: Array<{ name: string }> };
    const dashB = (await (await query(other.secretKey)).json()) as { top_events: Array<{ name: string }> };
    expect(dashA.top_events.map((t) => t.name)).toEqual(['a_event']);
    expect(dashB.top_events.map((t) => t.name)).toEqual(['b_event']);
  });
});
