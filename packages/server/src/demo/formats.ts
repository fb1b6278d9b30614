import type { VideoFormat } from '@sightline/schema';

/** The containers the demo accepts (VideoFormat), recognised by their first bytes (not by the name or declared type). */
export type { VideoFormat };

export const FORMAT_NAMES: Record<VideoFormat, string> = {
  mp4: 'MP4',
  mov: 'QuickTime MOV',
  webm: 'WebM',
  mkv: 'Matroska',
  avi: 'AVI',
};

/** Enough of the file to tell the containers apart (the EBML DocType sits in the first ~40 bytes). */
export const SNIFF_BYTES = 64;

const EBML_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);
/** Top-level atoms a QuickTime file may start with instead of `ftyp`. */
const QUICKTIME_FIRST_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip']);

/** The container of a file from its first bytes, or null when it is none of ours. */
export function sniffVideo(head: Buffer): VideoFormat | null {
  if (head.length >= 4 && head.subarray(0, 4).equals(EBML_MAGIC)) {
    const text = head.toString('latin1');
    if (text.includes('webm')) return 'webm';
    if (text.includes('matroska')) return 'mkv';
    return null;
  }
  if (
    head.length >= 12 &&
    head.toString('latin1', 0, 4) === 'RIFF' &&
    head.toString('latin1', 8, 12) === 'AVI '
  )
    return 'avi';
  if (head.length >= 12) {
    const type = head.toString('latin1', 4, 8);
    if (type === 'ftyp') return head.toString('latin1', 8, 12) === 'qt  ' ? 'mov' : 'mp4';
    if (QUICKTIME_FIRST_ATOMS.has(type) && head.readUInt32BE(0) >= 8) return 'mov';
  }
  return null;
}
