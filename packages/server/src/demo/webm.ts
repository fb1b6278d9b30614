import type { FileHandle } from 'node:fs/promises';
import type { VideoFormat } from './formats.js';
import { emptyInfo, readAt, round3, type VideoInfo } from './video-info.js';
import type { WorkBudget } from './work-budget.js';

/** Info and Tracks come before the first Cluster; this much of the file holds them in practice. */
const HEADER_BYTES = 4 * 1024 * 1024;

const ID = {
  ebml: 0x1a45dfa3,
  docType: 0x4282,
  segment: 0x18538067,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackType: 0x83,
  codecId: 0x86,
  video: 0xe0,
  pixelWidth: 0xb0,
  pixelHeight: 0xba,
  cluster: 0x1f43b675,
  clusterTimecode: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
} as const;

const DEFAULT_TIMECODE_SCALE_NS = 1_000_000;
/** How much of the end of the file is searched for the last cluster when Info has no Duration. */
const TAIL_BYTES = 2 * 1024 * 1024;
const CLUSTER_MAGIC = Buffer.from([0x1f, 0x43, 0xb6, 0x75]);
/**
 * Cluster ID matches tried from the end of the file. Four bytes match by chance inside frame data
 * about once per 4 GB, and a SeekHead names the Cluster ID once or twice: an honest tail needs a
 * few tries, so past 64 the duration is reported unknown.
 */
const MAX_CLUSTER_CANDIDATES = 64;
/**
 * A Cluster's Timecode is its first child (after a CRC-32 or Void at most): a candidate without
 * one among its first children is not a cluster, and rejecting it costs constant work.
 */
const TIMECODE_WITHIN_CHILDREN = 4;
/** Unsigned integers are at most 8 bytes in EBML; a longer one is not a number we read. */
const MAX_UINT_BYTES = 8;
/** DocType and CodecID are short ASCII names; longer text is cut (never scanned whole). */
const MAX_TEXT_BYTES = 64;

interface Element {
  id: number;
  start: number;
  /** End of the payload (the buffer's end for an unknown size, as live recordings write). */
  end: number;
}

/** EBML variable-length integer at `at`: its byte length and value (marker bit removed for sizes). */
function vint(
  buf: Buffer,
  at: number,
  keepMarker: boolean,
): { length: number; value: number; unknown: boolean } | null {
  const first = buf[at];
  if (first === undefined || first === 0) return null;
  const length = Math.clz32(first) - 23;
  if (length > 8 || at + length > buf.length) return null;
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    value = value * 256 + buf[at + i]!;
    if (buf[at + i] !== 0xff) allOnes = false;
  }
  return { length, value, unknown: !keepMarker && allOnes };
}

/** The elements between `from` and `to`, each charged to `budget` (so no walk is unbounded). */
function* elements(buf: Buffer, from: number, to: number, budget: WorkBudget): Generator<Element> {
  let at = from;
  while (at < to) {
    budget.visit();
    const id = vint(buf, at, true);
    if (!id) return;
    const size = vint(buf, at + id.length, false);
    if (!size) return;
    const start = at + id.length + size.length;
    const end = size.unknown ? to : Math.min(to, start + size.value);
    yield { id: id.value, start, end };
    if (size.unknown) return;
    at = end;
  }
}

const uint = (buf: Buffer, e: Element): number | null => {
  if (e.end - e.start > MAX_UINT_BYTES) return null;
  let v = 0;
  for (let i = e.start; i < e.end; i++) v = v * 256 + buf[i]!;
  return v;
};
const float = (buf: Buffer, e: Element) =>
  e.end - e.start === 4 ? buf.readFloatBE(e.start) : e.end - e.start === 8 ? buf.readDoubleBE(e.start) : null;
/** Text without its trailing NUL padding (trimmed by hand: a regex over a long NUL run backtracks). */
const text = (buf: Buffer, e: Element) => {
  let end = Math.min(e.end, e.start + MAX_TEXT_BYTES);
  while (end > e.start && buf[end - 1] === 0) end--;
  return buf.toString('latin1', e.start, end);
};

/**
 * Duration, dimensions and codecs of a WebM/Matroska file from its Info and Tracks elements.
 * Every element visited and every read is charged to `budget` (TooComplexError past it).
 */
export async function parseWebm(
  fh: FileHandle,
  fileSize: number,
  format: VideoFormat,
  budget: WorkBudget,
): Promise<VideoInfo> {
  const info = emptyInfo(format);
  let scale = DEFAULT_TIMECODE_SCALE_NS;
  const buf = await readAt(fh, 0, Math.min(fileSize, HEADER_BYTES), budget);
  for (const top of elements(buf, 0, buf.length, budget)) {
    if (top.id === ID.ebml) {
      for (const e of elements(buf, top.start, top.end, budget))
        if (e.id === ID.docType) info.brand = text(buf, e);
    } else if (top.id === ID.segment) {
      scale = readSegment(buf, top, info, budget);
    }
  }
  if (info.duration_s === null) {
    // Live recordings (MediaRecorder) write no Duration: the last frame's time is the next best thing.
    const tailStart = Math.max(0, fileSize - TAIL_BYTES);
    const last = lastFrameTime(await readAt(fh, tailStart, fileSize - tailStart, budget), budget);
    if (last !== null) {
      info.duration_s = round3((last * scale) / 1e9);
      info.duration_from_last_frame = true;
    }
  }
  return info;
}

/**
 * The largest block time (in timecode units) of the last cluster in `tail`: the cluster's
 * Timecode plus each SimpleBlock's / Block's 16-bit relative time. Null when no cluster parses.
 * Candidates are tried from the end, at most MAX_CLUSTER_CANDIDATES, each rejected after a few
 * children without a Timecode: linear in the tail, however many cluster IDs a file plants in it.
 */
function lastFrameTime(tail: Buffer, budget: WorkBudget): number | null {
  let tried = 0;
  for (
    let at = tail.lastIndexOf(CLUSTER_MAGIC);
    at >= 0 && tried++ < MAX_CLUSTER_CANDIDATES;
    at = at > 0 ? tail.lastIndexOf(CLUSTER_MAGIC, at - 1) : -1
  ) {
    const cluster = elements(tail, at, tail.length, budget).next().value;
    if (!cluster || cluster.id !== ID.cluster) continue;
    let base: number | null = null;
    let latest: number | null = null;
    const block = (e: Element) => {
      const track = vint(tail, e.start, false);
      if (base === null || !track || e.start + track.length + 2 > e.end) return;
      const time = base + tail.readInt16BE(e.start + track.length);
      latest = latest === null ? time : Math.max(latest, time);
    };
    let children = 0;
    for (const e of elements(tail, cluster.start, cluster.end, budget)) {
      // An unknown-size cluster ends where the next one starts.
      if (e.id === ID.cluster) break;
      if (base === null && ++children > TIMECODE_WITHIN_CHILDREN) break;
      if (e.id === ID.clusterTimecode) base = uint(tail, e);
      else if (e.id === ID.simpleBlock) block(e);
      else if (e.id === ID.blockGroup && base !== null) {
        for (const b of elements(tail, e.start, e.end, budget)) if (b.id === ID.block) block(b);
      }
    }
    // A chance match of the four bytes inside frame data has no Timecode right after it.
    if (base !== null) return latest ?? base;
  }
  return null;
}

/** Reads Info and Tracks into `info`; returns the timecode scale (ns per unit). */
function readSegment(buf: Buffer, segment: Element, info: VideoInfo, budget: WorkBudget): number {
  let scale = DEFAULT_TIMECODE_SCALE_NS;
  let duration: number | null = null;
  for (const e of elements(buf, segment.start, segment.end, budget)) {
    if (e.id === ID.cluster) break;
    if (e.id === ID.info) {
      for (const f of elements(buf, e.start, e.end, budget)) {
        if (f.id === ID.timecodeScale) scale = uint(buf, f) || DEFAULT_TIMECODE_SCALE_NS;
        if (f.id === ID.duration) duration = float(buf, f);
      }
    } else if (e.id === ID.tracks) {
      for (const entry of elements(buf, e.start, e.end, budget))
        if (entry.id === ID.trackEntry) readTrack(buf, entry, info, budget);
    }
  }
  // Duration counts timecode units of `scale` ns.
  if (duration !== null && duration > 0) info.duration_s = round3((duration * scale) / 1e9);
  return scale;
}

function readTrack(buf: Buffer, entry: Element, info: VideoInfo, budget: WorkBudget): void {
  info.tracks++;
  let type: number | null = 0;
  let codec: string | null = null;
  let width: number | null = null;
  let height: number | null = null;
  for (const f of elements(buf, entry.start, entry.end, budget)) {
    if (f.id === ID.trackType) type = uint(buf, f);
    else if (f.id === ID.codecId) codec = text(buf, f);
    else if (f.id === ID.video) {
      for (const v of elements(buf, f.start, f.end, budget)) {
        if (v.id === ID.pixelWidth) width = uint(buf, v);
        if (v.id === ID.pixelHeight) height = uint(buf, v);
      }
    }
  }
  if (type === 1) {
    info.video_codec ??= codec;
    info.width ??= width;
    info.height ??= height;
  } else if (type === 2) info.audio_codec ??= codec;
}
