import type { Detection, FrictionFactor } from './factor.js';
import { UPLOAD_RETRY_MESSAGE } from './interventions.js';

/**
 * No `upload_progress` for this long (event time) after `upload_started` or the last progress:
 * stalled. The SDK reports progress at least every few seconds while bytes move, so 10 s of
 * silence means nothing moves. An upload that never progressed is stalled by the same rule.
 */
export const UPLOAD_STALL_MS = 10_000;
export const UPLOAD_START_EVENT = 'upload_started';
export const UPLOAD_PROGRESS_EVENT = 'upload_progress';
export const UPLOAD_END_EVENTS: readonly string[] = ['upload_complete', 'upload_failed'];

export interface UploadState {
  startedUuid: string;
  lastActivityAt: number;
  lastActivityUuid: string;
  /** Reported for the current silence already. */
  stalled: boolean;
}

export function uploadStallDeadline(upload: UploadState | null): number | null {
  return upload && !upload.stalled ? upload.lastActivityAt + UPLOAD_STALL_MS : null;
}

/** `now`: the next event's time or the clock; reported at the deadline (see potential-abandonment.ts). */
export function detectUploadStall(upload: UploadState | null, now: number): Detection | null {
  const deadline = uploadStallDeadline(upload);
  if (deadline === null || !(now > deadline)) return null;
  const evidence = [...new Set([upload!.startedUuid, upload!.lastActivityUuid])];
  return { factor: 'upload_stall', at: deadline, evidence };
}

export const uploadStall: FrictionFactor<'upload_stall', typeof detectUploadStall> = {
  id: 'upload_stall',
  events: [UPLOAD_START_EVENT, UPLOAD_PROGRESS_EVENT, ...UPLOAD_END_EVENTS],
  thresholds: { stall_ms: UPLOAD_STALL_MS },
  detect: detectUploadStall,
  severity: 'high',
  weight: 3,
  recommendation: 'Offer to retry or resume the upload and show clear progress',
  dropOffRecommendation:
    'Uploads stalled (10 s without progress) in sessions that dropped here: check upload reliability and show progress.',
  intervention: { rule: 'upload_retry', action: 'help_prompt', message: UPLOAD_RETRY_MESSAGE },
};
