import type { FileHandle } from 'node:fs/promises';
import type { VideoFormat, VideoInfo } from '@sightline/schema';
import type { WorkBudget } from './work-budget.js';

export type { VideoInfo };

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

/** Reads `length` bytes at `offset` (fewer at the end of the file), charged to `budget` first. */
export async function readAt(
  fh: FileHandle,
  offset: number,
  length: number,
  budget: WorkBudget,
): Promise<Buffer> {
  budget.read(length);
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buffer, 0, length, offset);
  return buffer.subarray(0, bytesRead);
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;
