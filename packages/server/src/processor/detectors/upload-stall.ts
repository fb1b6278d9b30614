import type { Detection } from './detection.js';

/** No `upload_progress` for this long after `upload_started` (or the last progress): stalled. */
export const UPLOAD_STALL_MS = 10_000;
export const UPLOAD_START_EVENT = 'upload_started';
export const UPLOAD_PROGRESS_EVENT = 'upload_progress';
export const UPLOAD_END_EVENTS: ReadonlySet<string> = new Set(['upload_complete', 'upload_failed']);

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

/** `now`: the next event's time or the clock; reported at the deadline (see long-gap.ts). */
export function detectUploadStall(upload: UploadState | null, now: number): Detection | null {
  const deadline = uploadStallDeadline(upload);
  if (deadline === null || !(now > deadline)) return null;
  const evidence = [...new Set([upload!.startedUuid, upload!.lastActivityUuid])];
  return { factor: 'upload_stall', at: deadline, evidence };
}
