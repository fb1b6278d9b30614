/**
 * The durable-capture server the log benchmarks measure, run as its own process:
 * node:http → body (gunzip when gzip magic bytes) → JSON.parse → one line per event → a durable
 * sink → 200 only after the sink's sync. Two sinks:
 * - `ndjson`: the machine's durable reference — lines appended to one file, group fdatasync
 *   (appends arriving during a sync go together in the next one);
 * - `event-log`: the same lines appended as records through the EventLog (packages/server/src/log).
 * Prints `listening <url>` once it accepts requests.
 */
import { open } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { openFileEventLog } from '../../packages/server/src/log/file/file-event-log.js';

const inflate = promisify(gunzip);
const [sinkName, dataDir] = process.argv.slice(2);
if ((sinkName !== 'ndjson' && sinkName !== 'event-log') || !dataDir)
  throw new Error('usage: durable-server <ndjson|event-log> <data dir>');

type Sink = (lines: string[]) => Promise<void>;

/**
 * NDJSON with group commit: each request's lines become one buffer as it arrives; a group's
 * buffers go in one writev and one fdatasync (appends arriving during a sync join the next group).
 */
async function ndjsonSink(file: string): Promise<Sink> {
  const handle = await open(file, 'a');
  let pending: Array<{ bytes: Buffer; done: () => void; failed: (e: unknown) => void }> = [];
  let running = false;
  const drain = async () => {
    running = true;
    while (pending.length > 0) {
      const group = pending;
      pending = [];
      try {
        await handle.writev(group.map((p) => p.bytes));
        await handle.datasync();
        for (const p of group) p.done();
      } catch (error) {
        for (const p of group) p.failed(error);
      }
    }
    running = false;
  };
  return (lines) =>
    new Promise((done, failed) => {
      pending.push({ bytes: Buffer.from(`${lines.join('\n')}\n`), done, failed });
      if (!running) void drain();
    });
}

async function eventLogSink(dir: string): Promise<Sink> {
  const log = await openFileEventLog(dir);
  return async (lines) => {
    await log.append(lines);
  };
}

const sink =
  sinkName === 'ndjson' ? await ndjsonSink(join(dataDir, 'events.ndjson')) : await eventLogSink(dataDir);

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/events') {
    res.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      let body = Buffer.concat(chunks);
      if (body[0] === 0x1f && body[1] === 0x8b) body = await inflate(body);
      const batch = (JSON.parse(body.toString('utf8')) as { batch?: unknown[] }).batch;
      if (!Array.isArray(batch)) throw new Error('no batch');
      await sink(batch.map((event) => JSON.stringify(event)));
      res.writeHead(200, { 'content-type': 'application/json' }).end(`{"accepted":${batch.length}}`);
    } catch (error) {
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: String(error) }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
});
