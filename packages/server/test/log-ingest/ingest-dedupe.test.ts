import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { IngestDedupe } from '../../src/ingest/ingest-dedupe.js';
import { openLogIngest } from '../../src/ingest/log-ingest.js';
import { openFileEventLog } from '../../src/log/index.js';
import { sql } from '../../src/sql/sql.js';
import { openDuckDbEngine } from '../../src/storage/duckdb/index.js';
import { fingerprint } from '../../src/storage/event-dedupe.js';
import { DUCKDB_FILE } from '../../src/storage/open-engine.js';
import { eventBatch, exportAll, postEvents, startTestApp } from '../support/app.js';
import { makeRow } from '../support/rows.js';
import { eventually, rowsNamed, tempDirs } from './fixtures.js';

const uuids = (rows: ReadonlyArray<{ uuid: string }>) => rows.map((r) => r.uuid);

/** Capture's duplicate check before the event log (ingest/ingest-dedupe.ts). */
describe('IngestDedupe', () => {
  it('keeps the first of a uuid repeated within one request', () => {
    const dedupe = new IngestDedupe();
    const a = makeRow({ uuid: 'a' });
    const b = makeRow({ uuid: 'b' });
    const claim = dedupe.claim([
      a,
      b,
      makeRow({ uuid: 'a' }),
      makeRow({ uuid: 'b' }),
      makeRow({ uuid: 'c' }),
    ]);
    expect(uuids(claim.fresh)).toEqual(['a', 'b', 'c']);
    expect(claim.duplicates).toBe(2);
    // The first occurrence is the one kept (its other fields go to the log).
    expect(claim.fresh[0]).toBe(a);
  });

  it('a confirmed request makes the same events in a later request duplicates, and only those', () => {
    const dedupe = new IngestDedupe();
    const first = dedupe.claim(rowsNamed('e', 3));
    dedupe.confirm(first);
    const retry = dedupe.claim([...rowsNamed('e', 3), makeRow({ uuid: 'new' })]);
    expect(uuids(retry.fresh)).toEqual(['new']);
    expect(retry.duplicates).toBe(3);
  });

  it('the same uuid in another project is a different event', () => {
    const dedupe = new IngestDedupe();
    dedupe.confirm(dedupe.claim([makeRow({ project_id: 'p1', uuid: 'shared' })]));
    const other = dedupe.claim([makeRow({ project_id: 'p2', uuid: 'shared' })]);
    expect(other.duplicates).toBe(0);
    expect(other.fresh).toHaveLength(1);
  });

  it('events stored before it started (their fingerprints) are duplicates', () => {
    const stored = rowsNamed('stored', 4);
    const prints = stored.map((r) => fingerprint(r.project_id, r.uuid));
    const dedupe = new IngestDedupe(stored.length);
    dedupe.addStored(
      Uint32Array.from(prints.map(([hi]) => hi)),
      Uint32Array.from(prints.map(([, lo]) => lo)),
    );
    expect(dedupe.size).toBe(4);
    const claim = dedupe.claim([...rowsNamed('stored', 4), makeRow({ uuid: 'fresh' })]);
    expect(uuids(claim.fresh)).toEqual(['fresh']);
    expect(claim.duplicates).toBe(4);
  });

  it('events in the log that the loader has not stored yet (addRow) are duplicates', () => {
    const dedupe = new IngestDedupe();
    dedupe.addRow({ project_id: 'p1', uuid: 'acknowledged-not-loaded' });
    const claim = dedupe.claim([makeRow({ uuid: 'acknowledged-not-loaded' })]);
    expect(claim.fresh).toEqual([]);
    expect(claim.duplicates).toBe(1);
  });

  it('a claim still being appended makes a racing retry of it a duplicate', () => {
    const dedupe = new IngestDedupe();
    const inFlight = dedupe.claim(rowsNamed('race', 2));
    expect(inFlight.fresh).toHaveLength(2);
    // Another connection retries the same events (plus one new) before the first append resolved.
    const racing = dedupe.claim([...rowsNamed('race', 2), makeRow({ uuid: 'other' })]);
    expect(uuids(racing.fresh)).toEqual(['other']);
    expect(racing.duplicates).toBe(2);
  });

  it('an abandoned claim (its append failed) lets the retry through, once', () => {
    const dedupe = new IngestDedupe();
    const failed = dedupe.claim(rowsNamed('lost', 3));
    dedupe.abandon(failed);
    const retry = dedupe.claim(rowsNamed('lost', 3));
    expect(uuids(retry.fresh)).toEqual(uuids(rowsNamed('lost', 3)));
    expect(retry.duplicates).toBe(0);
    dedupe.confirm(retry);
    expect(dedupe.claim(rowsNamed('lost', 3)).duplicates).toBe(3);
  });

  it('abandoning one claim does not free another request’s claim', () => {
    const dedupe = new IngestDedupe();
    const kept = dedupe.claim(rowsNamed('kept', 2));
    const failed = dedupe.claim(rowsNamed('failed', 2));
    dedupe.abandon(failed);
    expect(dedupe.claim(rowsNamed('kept', 2)).duplicates).toBe(2);
    dedupe.confirm(kept);
    expect(dedupe.claim(rowsNamed('kept', 2)).duplicates).toBe(2);
  });
});

/**
 * After a restart the check is rebuilt from the store's fingerprints plus the log's records past
 * the loader's released position (ingest/log-ingest.ts): both kinds of earlier events are duplicates.
 */
describe('capture’s duplicate check across a restart', () => {
  const dirs = tempDirs('ingest-dedupe');
  afterEach(() => dirs.removeAll());

  it('events a previous run acknowledged but did not load are duplicates, and are stored once', async () => {
    const dataDir = dirs.make();
    // A previous run: acknowledged on the log, then stopped before its loader stored anything.
    const earlier = rowsNamed('unloaded', 30);
    const previous = await openFileEventLog(dataDir);
    await previous.consumers.register('loader');
    await previous.append(earlier.map((row) => JSON.stringify(row)));
    await previous.close();

    const engine = await openDuckDbEngine({ path: join(dataDir, DUCKDB_FILE), rollupRefreshMs: 0 });
    const ingest = await openLogIngest(engine, engine.logLoading!, dataDir, {
      checkpoint: () => 0,
      replayFrom: () => 0,
    });
    try {
      const retry = await ingest.committer.submit([...rowsNamed('unloaded', 30), makeRow({ uuid: 'new' })]);
      expect(retry).toMatchObject({ inserted: 1, duplicates: 30 });
      await eventually('loaded', () =>
        ingest.backlog.loaded.get() >= ingest.log.bounds().end ? true : null,
      );
      const [row] = await engine.query(sql`SELECT count(*) AS n, count(DISTINCT uuid) AS d FROM events`);
      expect(row).toEqual({ n: 31, d: 31 });
    } finally {
      await engine.close();
      await ingest.close();
    }
  });

  it('a batch sent again after a restart is answered as duplicates and exported once', async () => {
    const dataDir = dirs.make();
    const events = Array.from({ length: 25 }, (_, i) => ({
      uuid: `restart-${i}`,
      event: 'page_view',
      distinct_id: 'd',
      session_id: 's',
      timestamp: Date.now(),
    }));
    const first = await startTestApp(dataDir);
    const body = eventBatch(first.keys.publicKey, events);
    expect((await postEvents(first, body)).body).toMatchObject({ accepted: 25, duplicates: 0 });
    await first.close();

    const second = await startTestApp(dataDir);
    try {
      expect((await postEvents(second, body)).body).toMatchObject({ accepted: 25, duplicates: 25 });
      const exported = (await exportAll(second)).map((e) => e['uuid']);
      expect(exported.sort()).toEqual(events.map((e) => e.uuid).sort());
    } finally {
      await second.close();
    }
  });
});
