import { crc32 } from 'node:zlib';
import { LogRecordTooLargeError } from '../errors.js';

/**
 * A record on disk: a 4-byte little-endian CRC-32, a 4-byte little-endian payload length, then
 * the payload. The checksum covers the length and the payload (contiguous: one crc32 call), so a
 * run of zeros (blocks a crash left allocated but unwritten) or a torn header never reads as a record.
 */
export const FRAME_HEADER_BYTES = 8;

/** Records framed into one buffer, ready for one write. */
export interface FramedRecords {
  buffer: Buffer;
  count: number;
}

const CRC_AT = 0;
const LENGTH_AT = 4;

/** CRC-32 of a frame's length field and payload. */
function checksum(frame: Buffer, at: number, payloadBytes: number): number {
  return crc32(frame.subarray(at + LENGTH_AT, at + FRAME_HEADER_BYTES + payloadBytes));
}

/** Frames records into one buffer (strings as UTF-8, without an intermediate copy). */
export function frameRecords(
  records: readonly Buffer[] | readonly string[],
  maxRecordBytes: number,
): FramedRecords {
  const sizes = records.map((r) => (typeof r === 'string' ? Buffer.byteLength(r) : r.length));
  let total = 0;
  for (const size of sizes) {
    if (size > maxRecordBytes) throw new LogRecordTooLargeError(size, maxRecordBytes);
    total += FRAME_HEADER_BYTES + size;
  }
  const buffer = Buffer.allocUnsafe(total);
  let at = 0;
  records.forEach((record, i) => {
    const size = sizes[i]!;
    buffer.writeUInt32LE(size, at + LENGTH_AT);
    if (typeof record === 'string') buffer.write(record, at + FRAME_HEADER_BYTES, 'utf8');
    else record.copy(buffer, at + FRAME_HEADER_BYTES);
    buffer.writeUInt32LE(checksum(buffer, at, size), at + CRC_AT);
    at += FRAME_HEADER_BYTES + size;
  });
  return { buffer, count: records.length };
}

export type FrameAt =
  | { kind: 'record'; payloadStart: number; end: number }
  /** The buffer ends inside this frame: `needed` bytes from its start would hold it whole. */
  | { kind: 'partial'; needed: number }
  | { kind: 'corrupt'; why: string };

/** The frame starting at `at` in `buffer`, checked. */
export function frameAt(buffer: Buffer, at: number, maxRecordBytes: number): FrameAt {
  if (buffer.length - at < FRAME_HEADER_BYTES) return { kind: 'partial', needed: FRAME_HEADER_BYTES };
  const size = buffer.readUInt32LE(at + LENGTH_AT);
  if (size > maxRecordBytes) return { kind: 'corrupt', why: `length ${size} is over the record limit` };
  const end = at + FRAME_HEADER_BYTES + size;
  if (end > buffer.length) return { kind: 'partial', needed: FRAME_HEADER_BYTES + size };
  if (checksum(buffer, at, size) !== buffer.readUInt32LE(at + CRC_AT))
    return { kind: 'corrupt', why: 'checksum mismatch' };
  return { kind: 'record', payloadStart: at + FRAME_HEADER_BYTES, end };
}
