/**
 * The crash test's appender, run as its own process and killed with SIGKILL: opens the log,
 * prints `open <end> <cutBytes>`, then appends records crashRecord(run, k) for k = 0, 1, 2… from
 * several concurrent appenders (so groups form) and prints `ack <first> <last> <k0>` for each
 * acknowledged append. What the parent receives is what a client would have had acknowledged.
 */
import { openFileEventLog } from '../../src/log/file/file-event-log.js';
import { crashRecord } from './crash-records.js';

const [dataDir, runArg, segmentBytesArg] = process.argv.slice(2);
const run = Number(runArg);
const APPENDERS = 8;

const log = await openFileEventLog(dataDir!, { segmentBytes: Number(segmentBytesArg) });
process.stdout.write(`open ${log.bounds().end} ${log.openReport.cutBytes}\n`);
let next = 0;

async function appender(): Promise<void> {
  for (;;) {
    const k0 = next;
    const count = 1 + (k0 % 7);
    next += count;
    const records = Array.from({ length: count }, (_, i) => crashRecord(run, k0 + i));
    const { first, last } = await log.append(records);
    process.stdout.write(`ack ${first} ${last} ${k0}\n`);
  }
}

await Promise.all(Array.from({ length: APPENDERS }, appender));
