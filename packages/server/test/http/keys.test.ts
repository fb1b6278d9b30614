import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import {
  bannerSecret,
  createProject,
  KEYS_FILE,
  type ProjectKeys,
} from '../../src/projects/default-project.js';
import { maskKey } from '../../src/projects/keys.js';
import { DUCKDB_FILE } from '../../src/storage/open-engine.js';
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

describe('keys and data files: printed in full once, readable by their owner only', () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('the first start prints the generated secret; later starts print it masked, with where it is kept', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-keys-'));
    const first = await startTestApp(dataDir);
    const secret = first.keys.secretKey;
    expect(first.keys.generated).toBe(true);
    expect(bannerSecret(first.keys)).toEqual({ shown: secret, link: `#key=${secret}`, bearer: secret });
    await first.close();

    const second = await startTestApp(dataDir);
    try {
      expect(second.keys.secretKey).toBe(secret);
      expect(second.keys.generated).toBe(false);
      const shown = bannerSecret(second.keys);
      expect(JSON.stringify(shown)).not.toContain(secret);
      expect(shown.shown).toBe(`sl_sec_…${secret.slice(-4)}  (in full: ${join(dataDir, KEYS_FILE)})`);
      expect(shown.link).toBe('');
      expect(maskKey(second.keys.publicKey)).toMatch(/^sl_pub_….{4}$/);
    } finally {
      await second.close();
    }
  });

  it('creates the data dir 0700 and keys.json, the database and its WAL 0600', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sightline-files-')), 'data');
    const app = await startTestApp(dataDir);
    try {
      const body = eventBatch(app.keys.publicKey, [{ uuid: randomUUID(), event: 'e', distinct_id: 'd' }]);
      expect((await postEvents(app, body)).status).toBe(200);
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, KEYS_FILE))).toBe(0o600);
      expect(mode(join(dataDir, DUCKDB_FILE))).toBe(0o600);
      // The commit above went to the WAL, which DuckDB creates after open.
      expect(mode(join(dataDir, `${DUCKDB_FILE}.wal`))).toBe(0o600);
    } finally {
      await app.close();
    }
  });

  it('narrows the files and the dir an older version left open to others', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-open-'));
    await (await startTestApp(dataDir)).close();
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, KEYS_FILE), 0o644);
    chmodSync(join(dataDir, DUCKDB_FILE), 0o644);
    const app = await startTestApp(dataDir);
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, KEYS_FILE))).toBe(0o600);
      expect(mode(join(dataDir, DUCKDB_FILE))).toBe(0o600);
    } finally {
      await app.close();
    }
  });
});
