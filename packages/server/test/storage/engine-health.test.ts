import { mkdtempSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/sql/sql.js';
import { openClickHouseEngine } from '../../src/storage/clickhouse/index.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { CHDB, CLICKHOUSE, clickhouseTestOptions, DUCKDB } from '../support/engines.js';
import { makeRow } from '../support/rows.js';

/** Short waits, so a test sees several recovery attempts in a few seconds. */
const FAST_RECOVERY = { initialDelayMs: 100, maxDelayMs: 400, probeTimeoutMs: 5_000 };
const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

async function waitFor(what: string, condition: () => boolean, ms: number): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return performance.now() - started;
}

const rejection = (work: Promise<unknown>): Promise<unknown> =>
  work.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );

/** Data errors are the call's own: classified `data`, and the store stays healthy. */
async function expectDataErrors(engine: StorageEngine, statements: ReturnType<typeof sql>[]): Promise<void> {
  for (const statement of statements) {
    const error = await rejection(engine.query(statement));
    expect(engine.classifyError(error), String(error)).toBe('data');
  }
  expect(engine.health()).toEqual({ ok: true });
}

describe('DuckDB engine health', () => {
  it('classifies a value out of range and a failed conversion as data errors, and stays healthy', async () => {
    const { engine } = await DUCKDB.open();
    await expectDataErrors(engine, [
      sql`SELECT CAST(2147483647 AS INTEGER) + CAST(1 AS INTEGER) AS n`,
      sql`SELECT CAST(${'not a number'} AS INTEGER) AS n`,
    ]);
    await engine.close();
  });

  it('a read that runs out of memory is a storage error but its own: the store stays healthy for the others', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-health-')), 'test.duckdb');
    const engine = await openDuckDbEngine({ path, memoryLimit: '32MB', rollupRefreshMs: 0 });
    const error = await rejection(
      engine.query(sql`SELECT length(string_agg(CAST(i AS VARCHAR), ',')) AS n FROM range(20000000) t(i)`),
    );
    expect(String(error)).toMatch(/Out of Memory/);
    expect(engine.classifyError(error)).toBe('storage');
    expect(engine.health()).toEqual({ ok: true });
    expect((await engine.insertEvents([makeRow()])).inserted[0]).toBe(1);
    await engine.close();
  });

  it('closes while it is recovering', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-health-')), 'test.duckdb');
    const engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 }, FAST_RECOVERY);
    await engine.terminateWorker();
    await waitFor('unhealthy after the thread died', () => !engine.health().ok, 2_000);
    await engine.close();
  });

  it('a dead database thread is a storage failure: unhealthy at once, reopened on its own, nothing lost', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sightline-health-')), 'test.duckdb');
    const engine = await openDuckDbEngine({ path, rollupRefreshMs: 0 }, FAST_RECOVERY);
    const before = Array.from({ length: 50 }, (_, i) => makeRow({ uuid: `before-${i}` }));
    await engine.insertEvents(before);

    await engine.terminateWorker();
    await waitFor('unhealthy after the thread died', () => !engine.health().ok, 2_000);
    const down = engine.health();
    expect(down).toMatchObject({ ok: false, reason: 'database thread stopped' });
    expect(down.since).toBeGreaterThan(Date.now() - 10_000);
    // While it is down, calls are refused at once, as storage failures (the committer answers 503).
    const refused = await rejection(engine.countEvents('p1', ALL_TIME));
    expect(engine.classifyError(refused)).toBe('storage');

    const recoveredIn = await waitFor('healthy again', () => engine.health().ok, 20_000);
    console.log(`duckdb: thread killed → healthy again in ${Math.round(recoveredIn)} ms`);
    // The new thread replayed the WAL: every acknowledged row is there, still deduplicated, seq goes on.
    expect(await engine.countEvents('p1', ALL_TIME)).toBe(50);
    expect((await engine.insertEvents(before.slice(0, 10))).inserted.every((x) => x === 0)).toBe(true);
    const after = await engine.insertEvents([makeRow({ uuid: 'after-0' })]);
    expect(after.inserted[0]).toBe(1);
    expect(after.firstSeq).toBeGreaterThan(50);
    expect(await engine.recover()).toBe(true);
    await engine.close();
  });
});

/** A TCP relay to a ClickHouse server that can be cut (every socket dropped) and brought back on its port. */
async function startRelay(
  target: URL,
): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.on('close', () => {
            sockets.delete(socket);
            client.destroy();
            upstream.destroy();
          });
        }
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  await listen();
  return {
    port,
    async cut() {
      const closing = new Promise<void>((resolve) => server?.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closing;
      server = null;
    },
    restore: listen,
  };
}

describe('ClickHouse engine health', () => {
  const opened: StorageEngine[] = [];
  afterAll(async () => {
    for (const engine of opened) await engine.close().catch(() => undefined);
  });

  it.each([CLICKHOUSE, CHDB])(
    '$name: classifies a failed conversion and an unknown column as data errors',
    async (kind) => {
      const { engine } = await kind.open();
      opened.push(engine);
      await expectDataErrors(engine, [
        sql`SELECT toInt32(${'not a number'}) AS n`,
        sql`SELECT no_such_column FROM events`,
      ]);
    },
  );

  it('unreachable is a storage failure: unhealthy, refused at once, healthy again once a ping answers', async () => {
    const options = clickhouseTestOptions();
    const target = new URL(options.connection.url);
    const relay = await startRelay(target);
    const through = new URL(target);
    through.port = String(relay.port);
    const engine = await openClickHouseEngine({
      ...options,
      connection: { url: through.href.replace(/\/$/, '') },
      recovery: FAST_RECOVERY,
    });
    await engine.insertEvents([makeRow({ uuid: 'before-cut' })]);

    await relay.cut();
    const failure = await rejection(engine.countEvents('p1', ALL_TIME));
    expect(engine.classifyError(failure), String(failure)).toBe('storage');
    expect(engine.health()).toMatchObject({ ok: false, reason: 'unreachable' });
    const started = performance.now();
    const refused = await rejection(engine.insertEvents([makeRow({ uuid: 'while-cut' })]));
    expect(engine.classifyError(refused)).toBe('storage');
    expect(performance.now() - started).toBeLessThan(100);
    expect(await engine.recover()).toBe(false);

    await relay.restore();
    const recoveredIn = await waitFor('healthy again', () => engine.health().ok, 10_000);
    console.log(`clickhouse: relay restored → healthy again in ${Math.round(recoveredIn)} ms`);
    await engine.insertEvents([makeRow({ uuid: 'after-cut' })]);
    expect(await engine.countEvents('p1', ALL_TIME)).toBe(2);
    await engine.close();
    await relay.cut();
  });
});
