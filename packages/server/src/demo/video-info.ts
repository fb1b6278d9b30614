import type { FileHandle } from 'node:fs/promises';
import type { VideoFormat } from './formats.js';

/** What the analysis learns from a container's header, without decoding a frame. */
export interface VideoInfo {
  format: VideoFormat;
  /** Seconds; null when the container does not say. */
  duration_s: number | null;
  /** The container states no duration: `duration_s` is the time of its last frame (WebM recordings). */
  duration_from_last_frame?: boolean;
  width: number | null;
  height: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  tracks: number;
  /** MP4/MOV major brand or Matroska DocType. */
  brand: string | null;
}

export const emptyInfo = (format: VideoFormat): VideoInfo => ({
  format,
  duration_s: null,
  width: null,
  height: null,
  video_codec: null,
  audio_codec: null,
  tracks: 0,
  brand: null,
});

/** Reads `length` bytes at `offset` (fewer at the end of the file). */
export async function readAt(fh: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;
