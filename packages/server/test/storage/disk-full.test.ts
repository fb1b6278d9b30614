import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { raw } from '../../src/sql/sql.js';
import { exportAll, startTestApp } from '../support/app.js';
import { fillDisk, Tmpfs } from '../support/tmpfs.js';

/**
 * Room for the database, a few thousand events and the 64 MiB of free space recovery waits for
 * (DEFAULT_RECOVERY.minFreeBytes); filled by a plain file in a fraction of a second.
 */
const TMPFS_SIZE = '128m';
const EVENTS_PER_BATCH = 20;
/** Each sender retries a refused batch this often (a real SDK honours Retry-After; the test has no time to). */
const RETRY_EVERY_MS = 50;
/** From the space being freed to healthy again: recovery backs off 1, 2, 4, 8 s… during the outage. */
const RECOVERY_BOUND_MS = 40_000;
/** DuckDB writes whole 256 KiB blocks at a checkpoint; WAL entries of a batch are a few KiB. */
const ROOM_FOR_WAL_NOT_CHECKPOINT = 128 * 1024;
/** Rows of each probe commit in the checkpoint round: ~25 KB of WAL, well within the room left. */
const PROBE_ROWS = 500;
/** ~25 MB in all: more than the free blocks a database this size can hold, yet inside the tmpfs. */
const PROBE_COMMITS = 1_000;

interface Round {
  name: string;
  /** Free space left after filling. */
  leaveBytes: number;
  /** Lower DuckDB's checkpoint threshold so a checkpoint comes with every commit (it does on its own past 256 MB of WAL). */
  checkpointEveryCommit: boolean;
}

const ROUNDS: Round[] = [
  { name: 'WAL write fails (DuckDB gives the commit back)', leaveBytes: 0, checkpointEveryCommit: false },
  {
    name: 'checkpoint fails (DuckDB invalidates the database)',
    leaveBytes: ROOM_FOR_WAL_NOT_CHECKPOINT,
    checkpointEveryCommit: true,
  },
  { name: 'WAL write fails again, after a reopen', leaveBytes: 0, checkpointEveryCommit: false },
];

/**
 * Senders pause while `held`. Capture appends to the event log, not to DuckDB: to make DuckDB's own
 * commit meet the full disk (the checkpoint round), the test holds capture back and commits itself.
 */
const capture = { held: false, inFlight: 0 };

/** What the clients saw. */
interface Seen {
  acknowledged: string[];
  statuses: Map<number, number>;
  /** 503s without Retry-After. */
  withoutRetryAfter: number;
  /** 200s that did not store the whole batch (never allowed: nothing here is invalid). */
  partial: string[];
  /** Events a 200 called duplicates: stored by an attempt that was answered 503 (a commit DuckDB made durable, then failed). */
  duplicates: number;
  /** Anything else that went wrong on the client's side (a dropped connection, a batch refused for too long). */
  errors: string[];
}

/** A client sending good batches back to back, retrying each until it is acknowledged, like the SDK. */
async function sendUntil(app: RunningSightline, seen: Seen, stopped: () => boolean): Promise<void> {
  try {
    await sendBatches(app, seen, stopped);
  } catch (error) {
    seen.errors.push(String(error));
  }
}

async function sendBatches(app: RunningSightline, seen: Seen, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    if (capture.held) {
      await sleep(10);
      continue;
    }
    const batch = Array.from({ length: EVENTS_PER_BATCH }, () => ({
      uuid: randomUUID(),
      event: 'page_view',
      distinct_id: 'user-1',
      session_id: `s-${randomUUID()}`,
      timestamp: Date.now(),
    }));
    const body = JSON.stringify({ api_key: app.keys.publicKey, batch });
    const giveUpAt = Date.now() + 2 * RECOVERY_BOUND_MS;
    capture.inFlight++;
    try {
      await sendOne(app, seen, body, batch, giveUpAt);
    } finally {
      capture.inFlight--;
    }
  }
}

/** Sends one batch until it is acknowledged (503s are retried), or gives up. */
async function sendOne(
  app: RunningSightline,
  seen: Seen,
  body: string,
  batch: ReadonlyArray<{ uuid: string }>,
  giveUpAt: number,
): Promise<void> {
  for (;;) {
    const res = await fetch(`${app.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const answer = (await res.json()) as Record<string, unknown>;
    seen.statuses.set(res.status, (seen.statuses.get(res.status) ?? 0) + 1);
    if (res.status === 200) {
      const rejected = answer['rejected'] as unknown[];
      if (answer['accepted'] !== EVENTS_PER_BATCH || rejected.length > 0)
        seen.partial.push(JSON.stringify(answer));
      seen.duplicates += Number(answer['duplicates'] ?? 0);
      for (const e of batch) seen.acknowledged.push(e.uuid);
      return;
    }
    if (res.status === 503 && !res.headers.get('retry-after')) seen.withoutRetryAfter++;
    if (Date.now() > giveUpAt) throw new Error(`a batch was refused for too long: ${res.status}`);
    await sleep(RETRY_EVERY_MS);
  }
}

async function until<T>(what: string, probe: () => Promise<T | null>, ms: number): Promise<[T, number]> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value !== null) return [value, performance.now() - started];
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

describe('a full disk: 503 while it lasts, healthy again on its own, every acknowledged event stored once', () => {
  const tmpfs = new Tmpfs('sightline-disk-full-', TMPFS_SIZE);
  const mountPoint = tmpfs.path;
  let app: RunningSightline | undefined;
  let stop = false;
  let senders: Promise<void>[] = [];

  beforeAll(() => tmpfs.mount());

  afterAll(async () => {
    stop = true;
    await Promise.all(senders);
    await app?.close().catch(() => undefined);
    tmpfs.unmount();
  });

  it('captures fail with 503 and /healthz turns 503; freed space brings it back without a restart', async () => {
    const log = vi.spyOn(console, 'error');
    const running = await startTestApp(join(mountPoint, 'data'));
    app = running;
    const seen: Seen = {
      acknowledged: [],
      statuses: new Map(),
      withoutRetryAfter: 0,
      duplicates: 0,
      partial: [],
      errors: [],
    };
    senders = [0, 1].map(() => sendUntil(running, seen, () => stop));
    const filler = join(mountPoint, 'filler');
    const authorized = { authorization: `Bearer ${running.keys.secretKey}` };

    for (const round of ROUNDS) {
      const ackedBefore = seen.acknowledged.length;
      await until(
        'captures acknowledged',
        async () => (seen.acknowledged.length > ackedBefore + 100 ? true : null),
        20_000,
      );
      if (round.checkpointEveryCommit) await running.engine.query(raw(`SET checkpoint_threshold = '1KB'`));
      const refusedBefore = seen.statuses.get(503) ?? 0;
      const logLinesBefore = log.mock.calls.length;
      let probeRefusal = '';
      let probeCommits = 0;
      if (round.checkpointEveryCommit) {
        // The log's appends would take the room left before the loader's next commit: let DuckDB
        // commit first (a bot count: any committed write), so its autocheckpoint meets the full disk.
        capture.held = true;
        await until(
          'capture paused, loader caught up',
          async () => {
            if (capture.inFlight > 0) return null;
            const health = (await (await fetch(`${running.url}/healthz`)).json()) as {
              event_log?: { loader_lag_events: number };
            };
            return health.event_log?.loader_lag_events === 0 ? true : null;
          },
          10_000,
        );
        fillDisk(filler, round.leaveBytes);
        // Commits of new, incompressible rows, each followed by a checkpoint, until one checkpoint
        // no longer fits. A checkpoint first fills the blocks the file already has free (how many
        // depends on earlier rounds), so only growing data is sure to need more disk.
        let refused = '';
        for (let commit = 0; !refused && commit < PROBE_COMMITS; commit++) {
          const counts = Array.from({ length: PROBE_ROWS }, (_, i) => ({
            project_id: randomUUID(),
            day: 20_000 + i,
            dropped: 1,
          }));
          refused = await running.engine.addBotCounts(counts).then(
            () => '',
            (error: Error) => error.message,
          );
          probeCommits = commit + 1;
        }
        // The worker thread's own log lines do not reach the spy: the write's refusal says it too.
        probeRefusal = refused;
        capture.held = false;
      } else fillDisk(filler, round.leaveBytes);

      const [, failedAfter] = await until(
        'a capture refused',
        async () => ((seen.statuses.get(503) ?? 0) > refusedBefore ? true : null),
        20_000,
      );
      const health = await fetch(`${running.url}/healthz`);
      const down = (await health.json()) as Record<string, unknown>;
      expect(health.status).toBe(503);
      expect(down).toMatchObject({ ok: false, error: 'storage_unavailable', engine: 'duckdb' });
      expect(typeof down['reason']).toBe('string');
      expect(down['since']).toBeGreaterThan(Date.now() - 60_000);
      // Reads are refused the same way while it lasts.
      const query = await fetch(`${running.url}/v1/query/overview`, { method: 'POST', headers: authorized });
      expect(query.status).toBe(503);
      expect(((await query.json()) as Record<string, unknown>)['error']).toBe('storage_unavailable');
      const exported = await fetch(`${running.url}/v1/export`, { headers: authorized });
      expect(exported.status).toBe(503);
      await exported.body?.cancel();

      rmSync(filler);
      const [, recoveredIn] = await until(
        'healthy again',
        async () => ((await fetch(`${running.url}/healthz`)).status === 200 ? true : null),
        RECOVERY_BOUND_MS,
      );
      const ackedAtRecovery = seen.acknowledged.length;
      await until(
        'captures acknowledged again',
        async () => (seen.acknowledged.length > ackedAtRecovery ? true : null),
        10_000,
      );
      const logged = log.mock.calls.slice(logLinesBefore).map((args) => args.join(' '));
      const invalidated = [...logged, probeRefusal].some((line) =>
        /invalidated|autocheckpoint failed/.test(line),
      );
      console.log(
        `${round.name}: first 503 ${Math.round(failedAfter)} ms after filling; reason "${down['reason']}"; ` +
          `healthy ${Math.round(recoveredIn)} ms after freeing; database invalidated: ${invalidated}; probe: ${probeCommits} commits, ${probeRefusal.slice(0, 160)}`,
      );
      if (round.checkpointEveryCommit) expect(invalidated).toBe(true);
    }

    stop = true;
    await Promise.all(senders);
    const stored = (await exportAll(running)).map((e) => e['uuid'] as string);
    const statuses = Object.fromEntries(seen.statuses);
    console.log(
      `acknowledged ${seen.acknowledged.length} events (${seen.duplicates} of them stored by an attempt answered 503); ` +
        `exported ${stored.length}; answers ${JSON.stringify(statuses)}`,
    );
    // Only 200 (stored) and 503 (not stored, retry): never a 500, never a 200 for rows not stored.
    expect(Object.keys(statuses).sort()).toEqual(['200', '503']);
    expect(seen.partial).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(seen.withoutRetryAfter).toBe(0);
    // Exactly once: every acknowledged uuid, no duplicates (batches retried after a durable-but-refused commit dedupe).
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.length).toBe(seen.acknowledged.length);
    expect(new Set(stored)).toEqual(new Set(seen.acknowledged));
    // The stream processor came through the outages and caught up with everything stored.
    await running.processor.drain();
    const lastSeq = Math.max(...(await exportAll(running)).map((e) => e['seq'] as number));
    expect(running.processor.lastSeq).toBeGreaterThanOrEqual(lastSeq);
    log.mockRestore();
  });
});
