/**
 * The event log's own cost before ingest uses it: the durable reference's HTTP path
 * (durable-reference.ts) appending each event as a record through the EventLog instead of an
 * NDJSON line, measured against the reference in the same run. Each run pairs a reference run
 * and a log run back to back, so both see the same machine and the same bodies; the ratio is per pair.
 */
import {
  type DurableOptions,
  type DurableRun,
  durableModes,
  loadAverage,
  pairBodies,
  runDurable,
  spread,
} from './durable-reference.js';
import { fmt } from './lib/stats.js';

export async function benchLogAppend(options: DurableOptions): Promise<string[]> {
  const lines = [
    `## Event log append vs the durable reference (same HTTP path, EventLog records instead of NDJSON lines): ${options.seconds} s per run, ${options.runs} pairs (min / median / max)`,
    '',
    '| load | reference events/s | event log events/s | log / reference | reference p99 ms | event log p99 ms | log RSS MiB (peak) | non-200 | load average at end |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const mode of durableModes(options.connections)) {
    const reference: DurableRun[] = [];
    const log: DurableRun[] = [];
    for (let i = 0; i < options.runs; i++) {
      const bodies = pairBodies('sl_pub_durable_reference');
      reference.push(await runDurable('ndjson', mode, options.seconds, bodies));
      log.push(await runDurable('event-log', mode, options.seconds, bodies));
      process.stderr.write(
        `  log append, ${mode.label}, pair ${i + 1}: reference ${fmt(reference[i]!.eventsPerSecond)} ev/s, ` +
          `log ${fmt(log[i]!.eventsPerSecond)} ev/s\n`,
      );
    }
    const ratios = log.map((r, i) => r.eventsPerSecond / reference[i]!.eventsPerSecond);
    const failed = [...reference, ...log].reduce((n, r) => n + r.failed + r.unavailable, 0);
    lines.push(
      `| ${mode.label} (${mode.connections} connections) | ${spread(reference.map((r) => r.eventsPerSecond))} | ${spread(
        log.map((r) => r.eventsPerSecond),
      )} | ${spread(ratios, 2)} | ${spread(
        reference.map((r) => r.p99),
        1,
      )} | ${spread(
        log.map((r) => r.p99),
        1,
      )} | ${spread(log.map((r) => r.peak))} | ${failed} | ${loadAverage()} |`,
    );
  }
  return lines;
}
