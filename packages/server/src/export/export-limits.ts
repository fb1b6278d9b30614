import { definedOnly, positiveIntegerFromEnv } from '../env.js';
import { ApiError } from '../errors.js';
import { KeyedSlots, takeAll } from '../http/slots.js';

/**
 * Exports of one project running at once. An export reads the whole range it is asked for; two
 * let a script and a person export side by side, while one secret key can never hold more than
 * half of the server's export slots.
 */
export const DEFAULT_MAX_EXPORTS_PER_PROJECT = 2;

/**
 * Exports running at once across all projects. Each keeps a database connection and reads the
 * engine page after page; four keep the engine's cores for queries and ingest too.
 */
export const DEFAULT_MAX_EXPORTS = 4;

/**
 * How long an export may go without the client taking any of it before it is cut: a client that
 * stops reading would otherwise hold its slot (and a connection) forever. The kernel reports
 * progress only once half of a full send buffer (a few MB) has drained, so the limit must leave a
 * slow link time for that: 60 s keeps clients above ~50 KB/s.
 */
export const DEFAULT_EXPORT_STALL_MS = 60_000;

/**
 * The longest one export may run: a client reading just fast enough never to stall cannot hold a
 * slot past this either. An hour moves tens of millions of events on any real link; longer
 * ranges can be exported in parts with `from`/`to`.
 */
export const DEFAULT_EXPORT_MAX_DURATION_MS = 3_600_000;

/** Seconds a refused client is told to wait (Retry-After). */
export const EXPORT_RETRY_AFTER_S = 10;

export interface ExportLimits {
  maxPerProject: number;
  maxTotal: number;
  stallMs: number;
  maxDurationMs: number;
}

export const DEFAULT_EXPORT_LIMITS: Readonly<ExportLimits> = {
  maxPerProject: DEFAULT_MAX_EXPORTS_PER_PROJECT,
  maxTotal: DEFAULT_MAX_EXPORTS,
  stallMs: DEFAULT_EXPORT_STALL_MS,
  maxDurationMs: DEFAULT_EXPORT_MAX_DURATION_MS,
};

/**
 * The operator's overrides: SIGHTLINE_MAX_EXPORTS, SIGHTLINE_MAX_EXPORTS_PER_PROJECT,
 * SIGHTLINE_EXPORT_STALL_MS, SIGHTLINE_EXPORT_MAX_DURATION_MS (positive integers).
 */
export function exportLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<ExportLimits> {
  return definedOnly({
    maxTotal: positiveIntegerFromEnv(env, 'SIGHTLINE_MAX_EXPORTS'),
    maxPerProject: positiveIntegerFromEnv(env, 'SIGHTLINE_MAX_EXPORTS_PER_PROJECT'),
    stallMs: positiveIntegerFromEnv(env, 'SIGHTLINE_EXPORT_STALL_MS'),
    maxDurationMs: positiveIntegerFromEnv(env, 'SIGHTLINE_EXPORT_MAX_DURATION_MS'),
  });
}

/** The export slots of one server: per project and in total. */
export class ExportSlots {
  readonly limits: ExportLimits;
  private readonly perProject: KeyedSlots;
  private readonly total: KeyedSlots;

  constructor(limits: Partial<ExportLimits> = {}) {
    this.limits = { ...DEFAULT_EXPORT_LIMITS, ...limits };
    this.perProject = new KeyedSlots(this.limits.maxPerProject);
    this.total = new KeyedSlots(this.limits.maxTotal);
  }

  /** A slot for one export of `projectId`, or `rate_limited` when its project or the server has none left. */
  take(projectId: string): () => void {
    const slot = takeAll([
      { name: 'total', slots: this.total, key: '' },
      { name: 'project', slots: this.perProject, key: projectId },
    ]);
    if ('release' in slot) return slot.release;
    throw new ApiError(
      'rate_limited',
      slot.full.name === 'project'
        ? `this project already runs ${this.limits.maxPerProject} exports; retry when one ends`
        : `the server already runs ${this.limits.maxTotal} exports; retry shortly`,
      { retryAfterS: EXPORT_RETRY_AFTER_S },
    );
  }
}
