import { createHash } from 'node:crypto';
import { type FileHandle, open, rm } from 'node:fs/promises';
import type { AnalysisLine, AnalysisResult, AnalysisStep } from '@sightline/schema';
import { FORMAT_NAMES } from './formats.js';
import { parseMp4 } from './mp4.js';
import type { StoredUpload } from './upload-store.js';
import { emptyInfo, readAt, round3, type VideoInfo } from './video-info.js';
import { parseWebm } from './webm.js';
import { type AnalysisLimits, DEFAULT_ANALYSIS_LIMITS, TooComplexError, WorkBudget } from './work-budget.js';

export type { AnalysisLine, AnalysisResult, AnalysisStep };

const CHUNK = 1024 * 1024;

/** AVI's main header (`avih`): frame period, frame count and size, all near the start. */
async function parseAvi(fh: FileHandle, size: number, budget: WorkBudget): Promise<VideoInfo> {
  const info = emptyInfo('avi');
  const head = await readAt(fh, 0, Math.min(size, 64 * 1024), budget);
  const at = head.indexOf('avih', 0, 'latin1');
  if (at < 0 || at + 48 > head.length) return info;
  const body = at + 8;
  const usPerFrame = head.readUInt32LE(body);
  const frames = head.readUInt32LE(body + 16);
  if (usPerFrame > 0) info.duration_s = round3((usPerFrame * frames) / 1e6);
  info.width = head.readUInt32LE(body + 32) || null;
  info.height = head.readUInt32LE(body + 36) || null;
  return info;
}

/** The container's metadata within `limits`; a TooComplexError names the file past them. */
async function readMetadata(
  fh: FileHandle,
  upload: StoredUpload,
  limits: AnalysisLimits,
): Promise<VideoInfo> {
  const budget = new WorkBudget(limits);
  try {
    return upload.format === 'mp4' || upload.format === 'mov'
      ? await parseMp4(fh, upload.size, upload.format, budget)
      : upload.format === 'avi'
        ? await parseAvi(fh, upload.size, budget)
        : await parseWebm(fh, upload.size, upload.format, budget);
  } catch (error) {
    if (!(error instanceof TooComplexError)) throw error;
    throw new TooComplexError(
      `"${upload.name}" is too complex to analyse: its ${FORMAT_NAMES[upload.format]} container ${error.message}`,
    );
  }
}

/**
 * Real work on the uploaded bytes, reported step by step: the container's header (duration,
 * dimensions, codecs) within `limits`, then the whole file read back and hashed, with progress
 * by bytes read. The file is deleted afterwards, whatever happens. Runs in the analysis worker
 * (analysis-worker.ts), never on the HTTP event loop.
 */
export async function analyzeUpload(
  upload: StoredUpload,
  report: (line: AnalysisLine) => Promise<void> | void,
  limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS,
): Promise<AnalysisResult> {
  const started = Date.now();
  const fh = await open(upload.path, 'r');
  try {
    await report({
      type: 'step',
      step: 'container',
      label: `Reading the ${FORMAT_NAMES[upload.format]} container`,
    });
    await report({ type: 'step', step: 'metadata', label: 'Reading duration, size and codecs' });
    const info = await readMetadata(fh, upload, limits);
    await report({ type: 'step', step: 'checksum', label: 'Verifying every byte (SHA-256)' });
    const hash = createHash('sha256');
    const buffer = Buffer.alloc(CHUNK);
    let read = 0;
    let reported = -1;
    for (;;) {
      const { bytesRead } = await fh.read(buffer, 0, CHUNK, read);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      read += bytesRead;
      const percent = Math.floor((read / Math.max(1, upload.size)) * 100);
      // Every 5 %: enough for a smooth bar, few lines for a big file.
      if (percent >= reported + 5 || read === upload.size) {
        reported = percent;
        await report({ type: 'progress', step: 'checksum', percent, bytes: read, total: upload.size });
      }
    }
    const sha256 = hash.digest('hex');
    return {
      ...info,
      upload_id: upload.id,
      name: upload.name,
      size: upload.size,
      sha256,
      checksum_verified: sha256 === upload.sha256 && read === upload.size,
      format_name: FORMAT_NAMES[upload.format],
      bitrate: info.duration_s ? Math.round((upload.size * 8) / info.duration_s) : null,
      analysis_ms: Date.now() - started,
    };
  } finally {
    await fh.close();
    await rm(upload.path, { force: true });
  }
}
