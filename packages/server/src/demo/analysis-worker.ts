import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { AnalysisLine, AnalysisResult, ErrorCode } from '@sightline/schema';
import { analyzeUpload } from './analyze.js';
import type { StoredUpload } from './upload-store.js';
import { type AnalysisLimits, TooComplexError } from './work-budget.js';

/**
 * The worker thread that analyses one upload (started by analyze-in-worker.ts), so parsing and
 * hashing a file never hold the HTTP event loop. It posts each progress line as it goes, then the
 * result or a failure, and exits.
 */
export interface AnalysisJob {
  upload: StoredUpload;
  limits: AnalysisLimits;
}

export type AnalysisMessage =
  | { kind: 'line'; line: AnalysisLine }
  | { kind: 'done'; result: AnalysisResult }
  | { kind: 'failed'; code: ErrorCode; message: string };

async function run(port: MessagePort, job: AnalysisJob): Promise<void> {
  const post = (message: AnalysisMessage) => port.postMessage(message);
  try {
    const result = await analyzeUpload(job.upload, (line) => post({ kind: 'line', line }), job.limits);
    post({ kind: 'done', result });
  } catch (error) {
    if (error instanceof TooComplexError) {
      post({ kind: 'failed', code: 'unsupported_content_type', message: error.message });
      return;
    }
    console.error('[sightline] demo analysis failed:', error);
    post({ kind: 'failed', code: 'internal_error', message: 'the analysis failed; see the server log' });
  }
}

// Only as a worker: importing this module's types elsewhere must not start anything.
if (parentPort) void run(parentPort, workerData as AnalysisJob);
