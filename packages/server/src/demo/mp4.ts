import type { FileHandle } from 'node:fs/promises';
import type { VideoFormat } from './formats.js';
import { emptyInfo, readAt, round3, type VideoInfo } from './video-info.js';

/** `moov` is read whole; bigger than this is not a file the demo will parse. */
const MAX_MOOV_BYTES = 16 * 1024 * 1024;

interface Box {
  type: string;
  /** Offset of the payload and its length. */
  start: number;
  size: number;
}

/** Boxes inside `buf` between `from` and `to` (ISO BMFF: 32-bit size, type, optional 64-bit size). */
function* boxes(buf: Buffer, from: number, to: number): Generator<Box> {
  let at = from;
  while (at + 8 <= to) {
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

const child = (buf: Buffer, parent: Box, type: string) =>
  [...boxes(buf, parent.start, parent.start + parent.size)].find((b) => b.type === type);

/**
 * Duration, dimensions and codecs of an MP4/MOV from its `moov` box. The top level is walked by
 * box headers only, so a `moov` after a large `mdat` costs two small reads, not the whole file.
 */
export async function parseMp4(fh: FileHandle, fileSize: number, format: VideoFormat): Promise<VideoInfo> {
  const info = emptyInfo(format);
  let at = 0;
  let moov: Buffer | null = null;
  while (at + 8 <= fileSize) {
    const header = await readAt(fh, at, 16);
    if (header.length < 8) break;
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1 && header.length >= 16) {
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) size = fileSize - at;
    if (size < headerSize) break;
    if (type === 'ftyp') info.brand = (await readAt(fh, at + headerSize, 4)).toString('latin1').trim();
    if (type === 'moov') {
      if (size > MAX_MOOV_BYTES) break;
      moov = await readAt(fh, at, size);
      break;
    }
    at += size;
  }
  if (!moov) return info;
  const root: Box = { type: 'moov', start: 8, size: moov.length - 8 };
  const mvhd = child(moov, root, 'mvhd');
  if (mvhd) {
    const v1 = moov[mvhd.start] === 1;
    const timescale = moov.readUInt32BE(mvhd.start + (v1 ? 20 : 12));
    const duration = v1 ? Number(moov.readBigUInt64BE(mvhd.start + 24)) : moov.readUInt32BE(mvhd.start + 16);
    if (timescale > 0) info.duration_s = round3(duration / timescale);
  }
  for (const trak of boxes(moov, root.start, root.start + root.size)) {
    if (trak.type !== 'trak') continue;
    info.tracks++;
    const mdia = child(moov, trak, 'mdia');
    const hdlr = mdia && child(moov, mdia, 'hdlr');
    const handler = hdlr ? moov.toString('latin1', hdlr.start + 8, hdlr.start + 12) : '';
    const stbl = mdia && child(moov, mdia, 'minf') && child(moov, child(moov, mdia, 'minf')!, 'stbl');
    const stsd = stbl && child(moov, stbl, 'stsd');
    // stsd: version/flags (4), entry count (4), then the first entry: size (4), format (4).
    const codec =
      stsd && stsd.size >= 16 ? moov.toString('latin1', stsd.start + 12, stsd.start + 16).trim() : null;
    if (handler === 'vide') {
      info.video_codec ??= codec;
      const tkhd = child(moov, trak, 'tkhd');
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
  return info;
}
