import type { VideoFormat } from '@sightline/schema';
/** The same rules as the server (packages/server/src/demo): checked here first, so a wrong file fails fast. */
export const MAX_VIDEO_BYTES = 200 * 1024 * 1024;

export type { VideoFormat };

export const formatSize = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MB`
    : bytes >= 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${bytes} bytes`;

/** The container from the first bytes: the name and the browser's type can both be wrong. */
export function sniffVideo(head: Uint8Array): VideoFormat | null {
  const latin1 = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    const text = latin1(0, head.length);
    return text.includes('webm') ? 'webm' : text.includes('matroska') ? 'mkv' : null;
  }
  if (head.length < 12) return null;
  if (latin1(0, 4) === 'RIFF' && latin1(8, 12) === 'AVI ') return 'avi';
  const type = latin1(4, 8);
  if (type === 'ftyp') return latin1(8, 12) === 'qt  ' ? 'mov' : 'mp4';
  return ['moov', 'mdat', 'wide', 'free', 'skip'].includes(type) ? 'mov' : null;
}

export type FileCheck =
  | { ok: true; format: VideoFormat }
  | { ok: false; reason: 'too_large' | 'empty' | 'not_video'; message: string };

/** Whether a picked file can be uploaded, with a message a person understands when not. */
export async function checkVideoFile(file: File): Promise<FileCheck> {
  if (file.size === 0)
    return { ok: false, reason: 'empty', message: `"${file.name}" is empty. Pick a video file.` };
  if (file.size > MAX_VIDEO_BYTES)
    return {
      ok: false,
      reason: 'too_large',
      message: `"${file.name}" is ${formatSize(file.size)}; videos can be up to ${formatSize(MAX_VIDEO_BYTES)}. Try a shorter clip or a smaller export.`,
    };
  const format = sniffVideo(new Uint8Array(await file.slice(0, 64).arrayBuffer()));
  if (!format)
    return {
      ok: false,
      reason: 'not_video',
      message: `"${file.name}" is not a video we can read. Pick an MP4, MOV, WebM, MKV or AVI file.`,
    };
  return { ok: true, format };
}
