import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { openFileEventLog } from '../../src/log/file/file-event-log.js';

const READER = new URL('../../src/log/file/worker-reader.ts', import.meta.url).href;

/**
 * A consumer on a worker thread: opens a reader from the handoff, waits until `wanted` records
 * are durable, reads them (across segments) and posts them back as text.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import('tsx/esm/api').then(async (tsx) => {
  tsx.register();
  const { openLogReader } = await import(${JSON.stringify(READER)});
  const reader = openLogReader(workerData.handoff);
  parentPort.postMessage({ ready: true });
  await reader.waitFor(workerData.wanted - 1);
  const texts = [];
  let from = 0;
  while (from < workerData.wanted) {
    const page = await reader.read(from, { maxRecords: 64 });
    for (const r of page) texts.push(r.offset + ':' + r.data.toString());
    from += page.length;
  }
  await reader.close();
  parentPort.postMessage({ texts });
}).catch((error) => parentPort.postMessage({ error: String(error && error.stack) }));
`;

describe('file event log: a consumer on a worker thread', () => {
  let dataDir = '';
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('waits through shared memory for records appended after it started, and reads them across segments', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sightline-log-worker-'));
    const log = await openFileEventLog(dataDir, { segmentBytes: 1024 });
    const wanted = 120;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { handoff: log.readerHandoff(), wanted },
    });
    try {
      let ready: () => void = () => undefined;
      const started = new Promise<void>((resolve) => {
        ready = resolve;
      });
      const done = new Promise<string[]>((resolve, reject) => {
        worker.on('message', (m: { ready?: boolean; texts?: string[]; error?: string }) => {
          if (m.error) reject(new Error(m.error));
          if (m.ready) ready();
          if (m.texts) resolve(m.texts);
        });
        worker.on('error', reject);
        worker.on('exit', (code) =>
          reject(new Error(`the reader worker exited (${code}) before it was done`)),
        );
      });
      await Promise.race([started, done]);
      for (let i = 0; i < wanted; i++) await log.append([`w-${i}-${'z'.repeat(40)}`]);
      const texts = await done;
      expect(texts).toEqual(Array.from({ length: wanted }, (_, i) => `${i}:w-${i}-${'z'.repeat(40)}`));
    } finally {
      await worker.terminate();
      await log.close();
    }
  });
});
