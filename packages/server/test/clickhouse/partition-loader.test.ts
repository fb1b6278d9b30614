import { describe, expect, it } from 'vitest';
import { encodeEventRecord } from '../../src/log/event-record.js';
import { NatsEventLog } from '../../src/log/nats/nats-event-log.js';
import { openChdbTransport } from '../../src/storage/clickhouse/chdb-transport.js';
import { insertRow } from '../../src/storage/clickhouse/event-writer.js';
import { openHttpTransport } from '../../src/storage/clickhouse/http-transport.js';
import { openClickHouseEngine } from '../../src/storage/clickhouse/index.js';
import { ClickHousePartitionLoader, partitionRange } from '../../src/storage/clickhouse/partition-loader.js';
import type { ClickHouseTransport } from '../../src/storage/clickhouse/transport.js';
import type { EventRow } from '../../src/storage/engine.js';
import { fingerprint } from '../../src/storage/event-dedupe.js';
import { chdbTestOptions, clickhouseTestOptions } from '../support/engines.js';
import { useNatsCluster } from '../support/nats-cluster.js';
import { makeRow } from '../support/rows.js';

const SETTINGS = { output_format_json_quote_64bit_integers: 0 };
const PARTITION = 3;
const { low } = partitionRange(PARTITION);

/** The servers the loader runs on: the oldest ClickHouse Sightline supports, and a current one. */
const SERVERS = [
  {
    name: 'ClickHouse 18.16',
    open: async () => {
      const options = clickhouseTestOptions();
      const engine = await openClickHouseEngine(options);
      const transport = await openHttpTransport({ url: options.connection.url, database: options.database });
      return { engine, transport };
    },
  },
  {
    name: 'chDB (ClickHouse 26)',
    open: async () => {
      const options = chdbTestOptions();
      const engine = await openClickHouseEngine(options);
      const transport = await openChdbTransport({ ...options.connection, database: options.database });
      return { engine, transport };
    },
  },
];

/**
 * Loading a partition of the NATS log into ClickHouse exactly once: what is stored says what was
 * loaded (seq = the partition's range + offset + 1), so a restart, or a crash that stored half a
 * batch, neither loses nor repeats an event.
 */
describe.each(SERVERS)('ClickHouse partition loader ($name, 3-node NATS)', (server) => {
  const { cluster, closeAfter } = useNatsCluster(3);
  let streams = 0;

  /** A fresh database with Sightline's tables, and a NATS stream for the partition. */
  async function setUp(stream: string) {
    const { engine, transport } = await server.open();
    closeAfter(() => engine.close());
    closeAfter(() => transport.close());
    const log = await NatsEventLog.open({
      servers: cluster().servers,
      stream: `${stream}-${++streams}`,
      replicas: 3,
      maxRecordBytes: 1 << 20,
    });
    closeAfter(() => log.close());
    return { transport, log };
  }

  const record = (row: EventRow) => encodeEventRecord(row, ...fingerprint(row.project_id, row.uuid));

  async function storedSeqs(transport: ClickHouseTransport): Promise<number[]> {
    const result = await transport.query('SELECT seq FROM events ORDER BY seq', SETTINGS);
    return result.data.map((r) => Number(r['seq']) - low - 1);
  }

  it('loads every record once at the offset it has; a restarted loader adds nothing and goes on', async () => {
    const { transport, log } = await setUp('load-restart');
    const rows = Array.from({ length: 250 }, (_, i) =>
      makeRow({ session_id: 's1', timestamp: 1_700_000_000_000 + i }),
    );
    await log.append(rows.map(record));
    const first = await ClickHousePartitionLoader.open(transport, SETTINGS, PARTITION, log, 100);
    expect(await first.loadAvailable()).toBe(250);
    expect(await storedSeqs(transport)).toEqual(rows.map((_, i) => i));
    const uuids = await transport.query('SELECT uuid FROM events ORDER BY seq', SETTINGS);
    expect(uuids.data.map((r) => r['uuid'])).toEqual(rows.map((r) => r.uuid));

    const restarted = await ClickHousePartitionLoader.open(transport, SETTINGS, PARTITION, log, 100);
    expect(await restarted.loadAvailable()).toBe(0);
    await log.append([record(makeRow({ session_id: 's1' }))]);
    expect(await restarted.loadAvailable()).toBe(1);
    expect(await storedSeqs(transport)).toEqual(Array.from({ length: 251 }, (_, i) => i));
  });

  it('after a crash that stored part of the last batch, a new loader inserts exactly the rest', async () => {
    const { transport, log } = await setUp('half-batch');
    const rows = Array.from({ length: 300 }, () => makeRow({ session_id: 's2' }));
    await log.append(rows.map(record));
    // What a crash can leave: batches of 100; the first two stored, the third only in part.
    const storedBefore = [...Array.from({ length: 200 }, (_, i) => i), 200, 201, 202, 240, 241, 299];
    await transport.insert(
      'events',
      storedBefore.map((i) =>
        insertRow(rows[i]!, low + i + 1, ...fingerprint(rows[i]!.project_id, rows[i]!.uuid)),
      ),
      SETTINGS,
    );
    const read: number[] = [];
    const loader = await ClickHousePartitionLoader.open(transport, SETTINGS, PARTITION, log, 100, {
      onRead: (events) => read.push(...events.map((e) => e.seq - low - 1)),
    });
    expect(await loader.loadAvailable()).toBe(300 - storedBefore.length);
    expect(await storedSeqs(transport)).toEqual(rows.map((_, i) => i));
    // The processor is handed every record read, stored before or not (it may not have processed
    // them): from the batch the loader went back to, in order, without a gap.
    expect(read).toEqual(Array.from({ length: 100 }, (_, i) => 200 + i));
  });

  it('an INSERT that failed after ClickHouse stored it (a timeout) is not stored again by the retry', async () => {
    const { transport, log } = await setUp('stored-then-failed');
    const rows = Array.from({ length: 120 }, () => makeRow({ session_id: 's4' }));
    await log.append(rows.map(record));
    let failNext = true;
    const timingOut: ClickHouseTransport = {
      ...transport,
      query: (...args) => transport.query(...args),
      insert: async (...args) => {
        await transport.insert(...args);
        if (failNext) {
          failNext = false;
          throw new Error('timeout');
        }
      },
    };
    const loader = await ClickHousePartitionLoader.open(timingOut, SETTINGS, PARTITION, log, 100);
    await expect(loader.loadAvailable()).rejects.toThrow('timeout');
    expect(await loader.loadAvailable()).toBe(20);
    expect(await storedSeqs(transport)).toEqual(rows.map((_, i) => i));
  });

  it('a loader let go while its read waited (a NATS server gone) inserts nothing once the read returns', async () => {
    const { transport, log } = await setUp('let-go-while-reading');
    await log.append(Array.from({ length: 30 }, () => makeRow({ session_id: 's5' })).map(record));
    const stopping = new AbortController();
    const letGo = new Promise((resolve) => stopping.signal.addEventListener('abort', resolve));
    // The read answers only after the partition was let go, as one waiting for a reconnect does.
    const waiting = Object.create(log, {
      read: { value: async (...args: Parameters<typeof log.read>) => (await letGo, log.read(...args)) },
    }) as typeof log;
    const loader = await ClickHousePartitionLoader.open(transport, SETTINGS, PARTITION, waiting, 100);
    const loading = loader.loadAvailable(stopping.signal);
    stopping.abort();
    expect(await loading).toBe(0);
    expect(await storedSeqs(transport)).toEqual([]);
    // The next holder loads them, once.
    const next = await ClickHousePartitionLoader.open(transport, SETTINGS, PARTITION, log, 100);
    expect(await next.loadAvailable()).toBe(30);
  });

  it('stores an event once when a retry reached the log again past its duplicate window', async () => {
    const { transport, log } = await setUp('late-retry');
    const row = makeRow({ session_id: 's3' });
    // The same (project, uuid) twice in the log: JetStream saw two different message ids.
    await log.append([record(row), record(makeRow({ session_id: 's3' })), record(row)], {
      ids: ['try-1', 'other', 'try-2'],
    });
    const fresh: number[] = [];
    const loader = await ClickHousePartitionLoader.open(transport, SETTINGS, PARTITION, log, 100, {
      onRead: (_, flags) => fresh.push(...flags),
    });
    expect(await loader.loadAvailable()).toBe(2);
    // The processor is not handed the second copy either.
    expect(fresh).toEqual([1, 1, 0]);
    const count = await transport.query(
      `SELECT count() AS n FROM events WHERE uuid = '${row.uuid}'`,
      SETTINGS,
    );
    expect(Number(count.data[0]!['n'])).toBe(1);
    // And after a restart, from the fingerprints stored in ClickHouse.
    await log.append([record(row)], { ids: ['try-3'] });
    const restarted = await ClickHousePartitionLoader.open(transport, SETTINGS, PARTITION, log, 100);
    expect(await restarted.loadAvailable()).toBe(0);
    expect(restarted.position).toBe(4);
  });
});
