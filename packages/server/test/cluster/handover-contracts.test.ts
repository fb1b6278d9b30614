import type { KV } from '@nats-io/kv';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartitionLeases } from '../../src/cluster/partition-leases.js';
import { DEFAULT_RULES } from '../../src/processor/intervention-rules.js';
import { StreamProcessor } from '../../src/processor/processor.js';
import { sql } from '../../src/sql/sql.js';
import { openHttpTransport } from '../../src/storage/clickhouse/http-transport.js';
import { openClickHouseEngine } from '../../src/storage/clickhouse/index.js';
import { ClickHouseRecordExecutor } from '../../src/storage/clickhouse/record-executor.js';
import type { RecordExecutor, RecordWriter } from '../../src/storage/records/executor.js';
import { ProcessorStore } from '../../src/storage/records/processor-store.js';
import { PROCESSOR_STATE } from '../../src/storage/records/tables.js';
import { ev, T0 } from '../processor/support.js';
import { clickhouseTestOptions, clickhouseUrl } from '../support/engines.js';

/**
 * What a partition's hand-over to another node relies on, one piece at a time (node-failures.test.ts
 * shows what a user sees when they do not hold): the old owner lets go before its lease can
 * expire, and the processor state the new owner loads is one whole snapshot.
 */

/** The key-value calls PartitionLeases makes, in memory; `cut` makes every later call fail or hang. */
class MemoryKv {
  private readonly entries = new Map<string, { value: string; revision: number }>();
  private revision = 0;
  private cutOff: 'fail' | 'hang' | null = null;

  cut(how: 'fail' | 'hang'): void {
    this.cutOff = how;
  }

  async put(key: string, value: string): Promise<number> {
    await this.reachable();
    this.entries.set(key, { value, revision: ++this.revision });
    return this.revision;
  }

  async get(key: string): Promise<{ operation: 'PUT' } | null> {
    await this.reachable();
    return this.entries.has(key) ? { operation: 'PUT' } : null;
  }

  async create(key: string, value: string): Promise<number> {
    await this.reachable();
    if (this.entries.has(key)) throw new Error('wrong last sequence');
    return this.put(key, value);
  }

  async update(key: string, value: string, revision: number): Promise<number> {
    await this.reachable();
    if (this.entries.get(key)?.revision !== revision) throw new Error('wrong last sequence');
    return this.put(key, value);
  }

  async delete(key: string): Promise<void> {
    await this.reachable();
    this.entries.delete(key);
  }

  async keys(filter: string): Promise<AsyncIterable<string>> {
    await this.reachable();
    const prefix = filter.replace(/\*$/, '');
    const keys = [...this.entries.keys()].filter((k) => k.startsWith(prefix));
    return (async function* () {
      yield* keys;
    })();
  }

  private reachable(): Promise<void> {
    if (this.cutOff === 'fail') return Promise.reject(new Error('no responders'));
    if (this.cutOff === 'hang') return new Promise(() => undefined);
    return Promise.resolve();
  }
}

describe('partition leases: a node cut off from NATS', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const how of ['fail', 'hang'] as const) {
    it(`stops treating its partitions as its own before their leases expire (NATS calls ${how === 'fail' ? 'fail' : 'never answer'})`, async () => {
      vi.useFakeTimers();
      const kv = new MemoryKv();
      const released: Array<[number, string]> = [];
      const leases = new PartitionLeases(kv as unknown as KV, {
        nodeId: 'node-0',
        partitions: 2,
        leaseMs: 3_000,
        onAcquired: () => undefined,
        onReleased: (p, reason) => {
          released.push([p, reason]);
        },
      });
      await leases.start();
      expect(leases.owned()).toEqual([0, 1]);
      kv.cut(how);
      // The entries, last written now, expire in JetStream 3 s from now: another node may take them then.
      await vi.advanceTimersByTimeAsync(3_000);
      expect(released).toEqual([
        [0, 'lost'],
        [1, 'lost'],
      ]);
      expect(leases.owned()).toEqual([]);
    });
  }
});

describe('processor state on ClickHouse 18.16: a save cut short', () => {
  it('a processor resuming from it applies no event twice (the sessions were saved, the position was not)', async () => {
    const options = clickhouseTestOptions();
    const engine = await openClickHouseEngine(options);
    const transport = await openHttpTransport({ url: clickhouseUrl(), database: options.database });
    const executor = new ClickHouseRecordExecutor(transport);
    // The node dies before the save writes its position (as a SIGKILL between two INSERTs does).
    let dying = false;
    const crashing: RecordExecutor = {
      select: (fragment) => executor.select(fragment),
      transaction: (work, lane) =>
        executor.transaction(
          (writer) =>
            work({
              select: (fragment) => writer.select(fragment),
              remove: (table, keys) => writer.remove(table, keys),
              put: (table, records) =>
                dying && table.name === PROCESSOR_STATE.name
                  ? Promise.reject(new Error('killed'))
                  : writer.put(table, records),
            } as RecordWriter),
          lane,
        ),
    };
    const stored = new ProcessorStore(crashing, 7);
    const journey = { journey_name: 'video_upload' };
    const events = [
      ev('journey_started', T0, journey),
      ev('journey_step_upload_started', T0 + 2_000, journey),
      ev('journey_step_upload_complete', T0 + 22_000, journey),
      ev('journey_step_analysis_complete', T0 + 27_000, journey),
    ].map((row, i) => ({ ...row, country: '', seq: i + 1 }));
    let available = 2;
    const open = () =>
      new StreamProcessor(
        {
          loadProcessorState: () => stored.loadState(),
          commitProcessorBatch: (batch) => stored.commit(batch),
          saveProcessorState: (state) => stored.saveState(state),
          health: () => ({ ok: true }),
          readEventsAfter: async (after, limit) =>
            events.filter((e) => e.seq > after && e.seq <= available).slice(0, limit),
        },
        () => DEFAULT_RULES,
        { sweepIntervalMs: 0, snapshotIntervalMs: 0, wallClock: () => T0 + 30_000 },
      );
    try {
      const first = open();
      await first.start();
      await first.drain();
      await first.stop(); // state saved whole as of seq 2
      const second = open();
      await second.start();
      available = 3;
      dying = true;
      await second.drain();
      // The save after seq 3 wrote the session, then "died" before the position.
      await second.stop().catch(() => undefined);
      dying = false;
      const third = open();
      await third.start();
      available = 4;
      await third.drain();
      await third.stop();
      const [row] = await engine.query(sql`SELECT steps FROM journeys`);
      const steps = (JSON.parse(String(row!['steps'])) as Array<{ step: string }>).map((s) => s.step);
      expect(steps).toEqual(['start', 'upload_started', 'upload_complete', 'analysis_complete']);
    } finally {
      await transport.close();
      await engine.close();
    }
  });
});
