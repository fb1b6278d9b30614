import { rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { AnalysisLine, AnalysisResult, ErrorCode } from '@sightline/schema';
import { ApiError } from '../errors.js';
import type { AnalysisJob, AnalysisMessage } from './analysis-worker.js';
import type { StoredUpload } from './upload-store.js';
import { type AnalysisLimits, DEFAULT_ANALYSIS_LIMITS } from './work-budget.js';

/**
 * Wall-clock budget of one analysis in its worker, start-up included. The work caps
 * (work-budget.ts) keep the metadata pass to milliseconds and hashing the largest upload (200 MB)
 * takes about a second, so only a machine that is badly overloaded reaches this.
 */
export const DEFAULT_ANALYSIS_TIMEOUT_MS = 30_000;
/** Analyses at once: each is a thread that hashes a file at full speed, on a server sized for a few cores. */
export const MAX_CONCURRENT_ANALYSES = 2;
/** The worker's JS heap: the parsers' buffers live outside it; this is room for code and small objects. */
const WORKER_HEAP_MB = 96;

export interface AnalysisRunOptions {
  timeoutMs?: number;
  limits?: AnalysisLimits;
  /** Aborted when the client went away: the worker is stopped. */
  signal?: AbortSignal;
}

/** An analysis that ended without a result, with the code its error line carries. */
export class AnalysisFailure extends Error {
  override readonly name = 'AnalysisFailure';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

let running = 0;

/**
 * Takes one of the MAX_CONCURRENT_ANALYSES slots (503 `overloaded` when none is free, before
 * anything is consumed, so the client may retry); returns its release function.
 */
export function reserveAnalysisSlot(max = MAX_CONCURRENT_ANALYSES): () => void {
  if (running >= max)
    throw new ApiError('overloaded', `${max} analyses are already running; retry in a moment`);
  running++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running--;
  };
}

/** From the TypeScript sources (tests) the worker is started through tsx; from the build it is plain JS. */
function startWorker(job: AnalysisJob): Worker {
  const options = { workerData: job, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } };
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./analysis-worker.js', import.meta.url), options);
  const source = new URL('./analysis-worker.ts', import.meta.url).href;
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`,
    { ...options, eval: true },
  );
}

/**
 * Analyses an upload in its own worker thread and hands each progress line to `report`, in order,
 * each after the previous one was written (the client's backpressure). The worker is stopped
 * after `timeoutMs` (AnalysisFailure `query_timeout`), when `report` fails or `signal` aborts; the
 * upload's file is deleted whatever happens.
 */
export async function analyzeInWorker(
  upload: StoredUpload,
  report: (line: AnalysisLine) => Promise<void> | void,
  options: AnalysisRunOptions = {},
): Promise<AnalysisResult> {
  let worker: Worker | undefined;
  try {
    worker = startWorker({ upload, limits: options.limits ?? DEFAULT_ANALYSIS_LIMITS });
    return await follow(worker, report, options.timeoutMs ?? DEFAULT_ANALYSIS_TIMEOUT_MS, options.signal);
  } finally {
    await worker?.terminate();
    await rm(upload.path, { force: true });
  }
}

type Outcome = { result: AnalysisResult } | { error: Error };

function follow(
  worker: Worker,
  report: (line: AnalysisLine) => Promise<void> | void,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<AnalysisResult> {
  return new Promise<AnalysisResult>((resolve, reject) => {
    let settled = false;
    let outcome: Outcome | null = null;
    let forwarding = Promise.resolve();
    const settle = (end: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if ('result' in end) resolve(end.result);
      else reject(end.error);
    };
    // The worker's end (result, failure, crash, exit) is delivered after the lines before it;
    // the first one wins: a worker that reported its result and then exited still succeeded.
    const endAfterLines = (end: Outcome) => {
      outcome ??= end;
      clearTimeout(timer);
      const decided = outcome;
      forwarding = forwarding.then(() => settle(decided));
    };
    const timer = setTimeout(
      () =>
        settle({
          error: new AnalysisFailure(
            'query_timeout',
            `the analysis ran past its ${Math.round(timeoutMs / 1000)} s budget and was stopped; try again later`,
          ),
        }),
      timeoutMs,
    );
    const onAbort = () => settle({ error: new Error('the client went away') });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();

    worker.on('message', (message: AnalysisMessage) => {
      if (message.kind === 'line') {
        forwarding = forwarding
          .then(async () => {
            if (!settled) await report(message.line);
          })
          .catch((error: Error) => settle({ error }));
      } else if (message.kind === 'done') endAfterLines({ result: message.result });
      else endAfterLines({ error: new AnalysisFailure(message.code, message.message) });
    });
    worker.on('error', (error) => {
      console.error('[sightline] demo analysis worker failed:', error);
      endAfterLines({
        error: new AnalysisFailure('internal_error', 'the analysis failed; see the server log'),
      });
    });
    worker.on('exit', (code) =>
      endAfterLines({
        error: new AnalysisFailure('internal_error', `the analysis stopped early (worker exit code ${code})`),
      }),
    );
  });
}
