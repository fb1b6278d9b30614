import type { FileHandle } from 'node:fs/promises';
import type { VideoFormat } from './formats.js';
import { emptyInfo, readAt, round3, type VideoInfo } from './video-info.js';
import type { WorkBudget } from './work-budget.js';

/** `moov` is read whole; bigger than this is not a file the demo will parse. */
const MAX_MOOV_BYTES = 16 * 1024 * 1024;
/**
 * Top-level box headers are read through a window this large, so a run of small boxes costs one
 * read per window rather than one per box, while a jump over a large `mdat` reads little.
 */
const HEADER_WINDOW_BYTES = 16 * 1024;
/** The longest box header: 32-bit size, type, 64-bit size. */
const MAX_HEADER_BYTES = 16;

interface Box {
  type: string;
  /** Offset of the payload and its length. */
  start: number;
  size: number;
}

/** Boxes inside `buf` between `from` and `to` (ISO BMFF: 32-bit size, type, optional 64-bit size). */
function* boxes(buf: Buffer, from: number, to: number, budget: WorkBudget): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
    budget.visit();
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) return;
    yield { type, start: at + header, size: size - header };
    at += size;
  }
}

/** The first child of `parent` of this type (stops there: a lookup never lists the rest). */
function child(buf: Buffer, parent: Box | undefined, type: string, budget: WorkBudget): Box | undefined {
  if (!parent) return undefined;
  for (const box of boxes(buf, parent.start, parent.start + parent.size, budget))
    if (box.type === type) return box;
  return undefined;
}

/** Reads the file's top-level box headers through a cached window (see HEADER_WINDOW_BYTES). */
class HeaderReader {
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly fileSize: number,
    private readonly budget: WorkBudget,
  ) {}

  /** Up to 16 bytes at `at` (fewer at the end of the file). */
  async header(at: number): Promise<Buffer> {
    const want = Math.min(MAX_HEADER_BYTES, this.fileSize - at);
    const offset = at - this.windowStart;
    if (offset < 0 || offset + want > this.window.length) {
      this.windowStart = at;
      this.window = await readAt(this.fh, at, Math.min(HEADER_WINDOW_BYTES, this.fileSize - at), this.budget);
      return this.window.subarray(0, want);
    }
    return this.window.subarray(offset, offset + want);
  }
}

/**
 * Duration, dimensions and codecs of an MP4/MOV from its `moov` box. The top level is walked by
 * box headers only, so a `moov` after a large `mdat` costs two small reads, not the whole file.
 * Every box visited and every read is charged to `budget` (TooComplexError past it).
 */
export async function parseMp4(
  fh: FileHandle,
  fileSize: number,
  format: VideoFormat,
  budget: WorkBudget,
): Promise<VideoInfo> {
  const info = emptyInfo(format);
  const reader = new HeaderReader(fh, fileSize, budget);
  let at = 0;
  let moov: Buffer | null = null;
  while (at + 8 <= fileSize) {
    budget.visit();
    const header = await reader.header(at);
    if (header.length < 8) break;
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1 && header.length >= 16) {
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) size = fileSize - at;
    if (size < headerSize) break;
    if (type === 'ftyp' && size >= headerSize + 4)
      info.brand = (await readAt(fh, at + headerSize, 4, budget)).toString('latin1').trim();
    if (type === 'moov') {
      if (size > MAX_MOOV_BYTES) break;
      moov = await readAt(fh, at, size, budget);
      break;
    }
    at += size;
  }
  if (!moov) return info;
  readMoov(moov, info, budget);
  return info;
}

function readMoov(moov: Buffer, info: VideoInfo, budget: WorkBudget): void {
  const root: Box = { type: 'moov', start: 8, size: moov.length - 8 };
  const mvhd = child(moov, root, 'mvhd', budget);
  if (mvhd) {
    const v1 = moov[mvhd.start] === 1;
    // mvhd: version/flags, creation and modification times (4 or 8 bytes each), timescale, duration.
    if (mvhd.size >= (v1 ? 32 : 20)) {
      const timescale = moov.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
      const duration = v1
        ? Number(moov.readBigUInt64BE(mvhd.start + 24))
        : moov.readUInt32BE(mvhd.start + 16);
      if (timescale > 0) info.duration_s = round3(duration / timescale);
    }
  }
  for (const trak of boxes(moov, root.start, root.start + root.size, budget)) {
    if (trak.type !== 'trak') continue;
    info.tracks++;
    const mdia = child(moov, trak, 'mdia', budget);
    const hdlr = child(moov, mdia, 'hdlr', budget);
    const handler = hdlr && hdlr.size >= 12 ? moov.toString('latin1', hdlr.start + 8, hdlr.start + 12) : '';
    const stbl = child(moov, child(moov, mdia, 'minf', budget), 'stbl', budget);
    const stsd = child(moov, stbl, 'stsd', budget);
    // stsd: version/flags (4), entry count (4), then the first entry: size (4), format (4).
    const codec =
      stsd && stsd.size >= 16 ? moov.toString('latin1', stsd.start + 12, stsd.start + 16).trim() : null;
    if (handler === 'vide') {
      info.video_codec ??= codec;
      const tkhd = child(moov, trak, 'tkhd', budget);
      if (tkhd) {
        const v1 = moov[tkhd.start] === 1;
        const at = tkhd.start + (v1 ? 88 : 76);
        if (at + 8 <= tkhd.start + tkhd.size) {
          info.width = moov.readUInt32BE(at) / 65536;
          info.height = moov.readUInt32BE(at + 4) / 65536;
        }
      }
    } else if (handler === 'soun') info.audio_codec ??= codec;
  }
}
