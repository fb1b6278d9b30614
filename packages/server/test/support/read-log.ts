import type { EventLog, LogRecord } from '../../src/log/event-log.js';

/** Every record of `log` from `from` (its start) to its end, read a page at a time. */
export async function readAllRecords(
  log: Pick<EventLog, 'read' | 'bounds'>,
  from = log.bounds().start,
  pageSize = 1000,
): Promise<LogRecord[]> {
  const all: LogRecord[] = [];
  for (;;) {
    const page = await log.read(from, { maxRecords: pageSize });
    if (page.length === 0) return all;
    all.push(...page);
    from = page.at(-1)!.offset + 1;
  }
}
