import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import type { ProjectKeys } from '../../src/projects/default-project.js';
import { addProject, readyClient, startLiveApp } from '../live/support.js';
import { makeRow } from '../support/rows.js';

const query = async (app: RunningSightline, key: string, name: string, args: unknown) => {
  const res = await fetch(`${app.url}/v1/query/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(args),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Enough events that a 30-day dashboard takes tens of milliseconds at least. */
async function seed(app: RunningSightline, projectId: string): Promise<void> {
  const now = Date.now();
  await app.engine.insertEvents(
    Array.from({ length: 20_000 }, (_, i) =>
      makeRow({
        project_id: projectId,
        event: ['page_view', 'user_click', 'file_selected'][i % 3] as string,
        session_id: `s${Math.floor(i / 10)}`,
        timestamp: now - Math.floor((i / 20_000) * 29 * 86_400_000),
      }),
    ),
  );
}

describe('query budget over HTTP and live', () => {
  let app: RunningSightline;
  beforeAll(async () => {
    // A budget no dashboard run (several statements through the database thread) can meet.
    app = await startLiveApp({ queries: { timeoutMs: 1 } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('POST /v1/query past its budget answers 503 query_timeout', async () => {
    const { status, body } = await query(app, app.keys.secretKey, 'dashboard', { time_range: '30d' });
    expect(status).toBe(503);
    expect(body).toMatchObject({ error: 'query_timeout' });
    expect(String(body['message'])).toMatch(/budget/);
  });

  it('a live subscription past its budget gets a query_timeout error message', async () => {
    const client = await readyClient(app.url, app.keys.secretKey);
    client.send({ type: 'subscribe', id: 'd', query: 'dashboard', args: { time_range: '30d' } });
    expect(await client.waitFor((m) => m.id === 'd')).toMatchObject({
      type: 'error',
      error: 'query_timeout',
    });
    client.close();
  });
});

describe('fair turns over HTTP', () => {
  let app: RunningSightline;
  let other: ProjectKeys;
  beforeAll(async () => {
    app = await startLiveApp({ queries: { maxRunning: 2, maxRunningPerProject: 1, maxQueuedPerProject: 1 } });
    other = await addProject(app, 'other');
    await seed(app, app.projects.bySecretKey(app.keys.secretKey)?.id as string);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("a project past its queue gets 429 rate_limited while another project's queries still run", async () => {
    const burst = Array.from({ length: 8 }, () =>
      query(app, app.keys.secretKey, 'dashboard', { time_range: '30d' }),
    );
    const theirs = await query(app, other.secretKey, 'overview', { time_range: '1h' });
    const answers = await Promise.all(burst);
    const statuses = answers.map((a) => a.status);
    console.log(
      `[fair turns] 8 concurrent dashboard queries of one project (1 running, 1 queued): ${statuses.join(' ')}`,
    );
    expect(theirs.status).toBe(200);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(answers.find((a) => a.status === 429)?.body).toMatchObject({ error: 'rate_limited' });
    expect(app.queries.runningCount()).toBe(0);
  });
});
