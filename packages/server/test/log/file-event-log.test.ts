import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileEventLog } from '../../src/log/file/file-event-log.js';
import { describeEventLogConformance } from './conformance.js';

/** Small enough that a few hundred 200-byte records make several segments. */
const SMALL_SEGMENT_BYTES = 4 * 1024;

describeEventLogConformance('file segments', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-log-'));
  return {
    open: (options = {}) =>
      openFileEventLog(dataDir, {
        ...(options.smallSegments ? { segmentBytes: SMALL_SEGMENT_BYTES } : {}),
        ...(options.retentionMs === undefined ? {} : { retentionMs: options.retentionMs }),
        ...(options.nowMs ? { nowMs: options.nowMs } : {}),
      }),
    destroy: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});
