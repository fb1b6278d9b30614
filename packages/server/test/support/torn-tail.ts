import { frameRecords } from '../../src/log/file/frame.js';

/**
 * What a crash of the machine (not just of the process: its page cache survives a kill -9) could
 * leave after an event log segment's last synced byte: a frame cut short, or random bytes.
 * Appended to the last segment between a kill and the restart, it is a torn tail opening must cut.
 * `random`: uniform in [0, 1), seeded by the test so a failure replays.
 */
export function tornTail(random: () => number): Buffer {
  if (random() < 0.5) {
    const frame = frameRecords(['x'.repeat(Math.floor(random() * 9000))], 1 << 20).buffer;
    return frame.subarray(0, 1 + Math.floor(random() * (frame.length - 1)));
  }
  return Buffer.from(
    Array.from({ length: 1 + Math.floor(random() * 5000) }, () => Math.floor(random() * 256)),
  );
}
