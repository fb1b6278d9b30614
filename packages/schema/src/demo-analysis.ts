/**
 * The demo app's video analysis on the wire (`POST /demo/api/analyze`, NDJSON): the server
 * writes these lines (server/src/demo/analyze.ts), the demo page reads them (apps/demo).
 */

export type VideoFormat = 'mp4' | 'mov' | 'webm' | 'mkv' | 'avi';

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

export type AnalysisStep = 'container' | 'metadata' | 'checksum';

export interface AnalysisResult extends VideoInfo {
  upload_id: string;
  name: string;
  size: number;
  sha256: string;
  /** The bytes read back from disk hash to what the upload computed on the way in. */
  checksum_verified: boolean;
  format_name: string;
  /** Average bitrate (bits/s) when the duration is known. */
  bitrate: number | null;
  analysis_ms: number;
}

/** One line of the answer: one per step and per 5 % of the file read back, then the result or an error. */
export type AnalysisLine =
  | { type: 'step'; step: AnalysisStep; label: string }
  | { type: 'progress'; step: 'checksum'; percent: number; bytes: number; total: number }
  | { type: 'result'; analysis: AnalysisResult }
  | { type: 'error'; error: string; message: string };
