import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SightlineProcess, startSightline } from '../../../e2e/support/sightline.js';

const CONNECTIONS = 8;
const BATCH = 50;

interface LoadResult {
  acked: string[][];
  unacked: string[][];
}

/**
 * Sends batches over several connections until the server dies; notes which batches got their 200.
 * `firstAck` resolves at the first 200, so the kill lands while load is flowing.
 */
function loadUntilDeath(server: SightlineProcess): { done: Promise<LoadResult>; firstAck: Promise<void> } {
  const result: LoadResult = { acked: [], unacked: [] };
  let acked: () => void = () => undefined;
  const firstAck = new Promise<void>((resolve) => {
    acked = resolve;
  });
  const worker = async () => {
    for (;;) {
      const uuids = Array.from({ length: BATCH }, () => randomUUID());
      const body = JSON.stringify({
        api_key: server.publicKey,
        sent_at: Date.now(),
        batch: uuids.map((uuid, i) => ({
          uuid,
          event: 'crash_test',
          distinct_id: `user-${i % 7}`,
          session_id: `session-${i % 11}`,
          timestamp: Date.now(),
          properties: { i, url: 'https://crash.test/page', note: 'x'.repeat(200) },
        })),
      });
      try {
        const res = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        });
        if (res.status === 200) {
          result.acked.push(uuids);
          acked();
        } else result.unacked.push(uuids);
        await res.arrayBuffer();
      } catch {
        result.unacked.push(uuids);
        return; // the server is gone
      }
    }
  };
  const done = Promise.all(Array.from({ length: CONNECTIONS }, worker)).then(() => result);
  return { done, firstAck };
}

describe('durability: an acknowledged event survives kill -9', () => {
  it('keeps every acknowledged event exactly once across three SIGKILLs at different moments', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-crash-'));
    const keys = { publicKey: 'sl_pub_crash', secretKey: 'sl_sec_crash' };
    const acked: string[] = [];
    const unacked: string[][] = [];
    // Three moments: right after the first acknowledgement, and well into sustained load.
    for (const killAfterMs of [0, 400, 1200]) {
      const server = await startSightline({ dataDir, ...keys });
      const load = loadUntilDeath(server);
      await load.firstAck;
      await new Promise((r) => setTimeout(r, killAfterMs));
      await server.kill();
      const result = await load.done;
      expect(result.acked.length).toBeGreaterThan(0);
      expect(result.unacked.length).toBeGreaterThan(0); // killed mid-request, not between requests
      acked.push(...result.acked.flat());
      unacked.push(...result.unacked);
    }

    const server = await startSightline({ dataDir, ...keys });
    try {
      // Clients retry what was never acknowledged; the store must not double anything that did land.
      for (const uuids of unacked) {
        const res = await fetch(`${server.url}/v1/events`, {
          method: 'POST',
          body: JSON.stringify({
            api_key: server.publicKey,
            batch: uuids.map((uuid) => ({
              uuid,
              event: 'crash_test',
              distinct_id: 'retry',
              timestamp: Date.now(),
            })),
          }),
        });
        expect(res.status).toBe(200);
      }
      const exported = await server.exportEvents();
      const counts = new Map<string, number>();
      for (const e of exported) counts.set(e.uuid, (counts.get(e.uuid) ?? 0) + 1);
      const missing = acked.filter((u) => counts.get(u) !== 1);
      expect(missing).toEqual([]);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(exported.length).toBe(acked.length + new Set(unacked.flat()).size);
      const seqs = exported.map((e) => e.seq).sort((a, b) => a - b);
      expect(new Set(seqs).size).toBe(seqs.length);
    } finally {
      await server.stop();
    }
  });
});
