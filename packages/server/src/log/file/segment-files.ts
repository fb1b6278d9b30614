import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogOffset } from '../event-log.js';

/**
 * Segment files are named by the offset of their first record, zero-padded so names sort as
 * numbers: `00000000000000123456.seg`. The name is what keeps offsets across restarts and removal.
 */
/** The log's folder under the data directory. */
export function eventLogDir(dataDir: string): string {
  return join(dataDir, 'log');
}

const SEGMENT_SUFFIX = '.seg';
const OFFSET_DIGITS = 20;

export function segmentFileName(base: LogOffset): string {
  return `${String(base).padStart(OFFSET_DIGITS, '0')}${SEGMENT_SUFFIX}`;
}

export function segmentPath(dir: string, base: LogOffset): string {
  return join(dir, segmentFileName(base));
}

/** The first offsets of the segments in `dir`, ascending (other files are ignored). */
export async function listSegmentBases(dir: string): Promise<LogOffset[]> {
  const pattern = new RegExp(`^(\\d{${OFFSET_DIGITS}})\\${SEGMENT_SUFFIX}$`);
  const bases: LogOffset[] = [];
  for (const name of await readdir(dir)) {
    const match = pattern.exec(name);
    if (match) bases.push(Number(match[1]));
  }
  return bases.sort((a, b) => a - b);
}

/**
 * Makes the directory's entries durable (a created, renamed or removed file): without it a crash
 * of the machine could forget a new segment whose records were acknowledged.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The segment that holds `offset`: the last base at or below it (`bases` ascending), or undefined. */
export function segmentHolding(bases: readonly LogOffset[], offset: LogOffset): LogOffset | undefined {
  let found: LogOffset | undefined;
  for (const base of bases) {
    if (base > offset) break;
    found = base;
  }
  return found;
}
