import { randomBytes } from 'node:crypto';
import { type CreatedShareKey, SHARE_KEY_PREFIX, type ShareKeyInfo } from '@sightline/schema';
import { positiveIntegerFromEnv } from '../env.js';
import { ApiError } from '../errors.js';
import type { ShareKeyRow, StorageEngine } from '../storage/engine.js';
import { generateKey, hashSecret } from './keys.js';

export interface ShareKeyLimits {
  /** Share keys a project may have that are not revoked. */
  maxActivePerProject: number;
  /** How old this node's copy of the keys may get before a lookup reads them again. */
  refreshMs: number;
  /** An unknown key re-reads the keys at most this often. */
  missReloadMs: number;
}

export const DEFAULT_SHARE_KEY_LIMITS: ShareKeyLimits = {
  // Each key is a standing credential someone must be able to review: the settings page lists
  // them all, and a hundred links is more than any team hands out by hand.
  maxActivePerProject: 100,
  // Revocations made on another node (several nodes over one ClickHouse) apply here within this
  // time; on the node that revoked, at once.
  refreshMs: 30_000,
  // A key made on another node is found within a second; a stream of made-up keys costs at
  // most one read of the (small) key list per second.
  missReloadMs: 1_000,
};

/** Bytes of randomness in a share key's id (12 base64url characters). */
const ID_BYTES = 9;
/** A share key's id: `shk_` and 12 base64url characters (it appears in cookies, so no dots). */
export const SHARE_KEY_ID_PATTERN = /^shk_[A-Za-z0-9_-]{12}$/;

export type ShareKeyListener = (revoked: ShareKeyRow) => void;

const infoOf = (row: ShareKeyRow): ShareKeyInfo => ({
  id: row.id,
  label: row.label,
  created_at: row.created_at,
  revoked_at: row.revoked_at,
});

/**
 * Read-only dashboard keys (share links), per project. Only each key's sha256 is stored; the key
 * itself is returned once, at creation. Lookups use an in-memory copy of every project's keys,
 * read again when older than `refreshMs` or when an unknown key is presented (it may have been
 * made on another node); a revocation on this node applies at once and is announced to
 * `onRevoked` listeners (live connections opened with the key close).
 */
export class ShareKeys {
  private byHash = new Map<string, ShareKeyRow>();
  private byId = new Map<string, ShareKeyRow>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private reloading: Promise<void> | null = null;
  private readonly listeners = new Set<ShareKeyListener>();

  constructor(
    private readonly engine: StorageEngine,
    readonly limits: ShareKeyLimits = DEFAULT_SHARE_KEY_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The active key `key` opens, or null (unknown, revoked, or not a share key at all). */
  async find(key: string): Promise<ShareKeyRow | null> {
    if (!key.startsWith(SHARE_KEY_PREFIX)) return null;
    const hash = hashSecret(key);
    await this.refreshIfStale();
    if (!this.byHash.has(hash) && this.now() - this.loadedAt >= this.limits.missReloadMs) await this.reload();
    const row = this.byHash.get(hash);
    return row && row.revoked_at === null ? row : null;
  }

  /** Whether the project's key `id` exists and is not revoked. */
  async isActive(projectId: string, id: string): Promise<boolean> {
    await this.refreshIfStale();
    if (!this.byId.has(id) && this.now() - this.loadedAt >= this.limits.missReloadMs) await this.reload();
    const row = this.byId.get(id);
    return row !== undefined && row.project_id === projectId && row.revoked_at === null;
  }

  async list(projectId: string): Promise<ShareKeyInfo[]> {
    await this.refreshIfStale();
    return [...this.byId.values()]
      .filter((row) => row.project_id === projectId)
      .sort((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id))
      .map(infoOf);
  }

  async create(projectId: string, label: string): Promise<CreatedShareKey> {
    await this.refreshIfStale();
    const active = [...this.byId.values()].filter((r) => r.project_id === projectId && r.revoked_at === null);
    if (active.length >= this.limits.maxActivePerProject) {
      throw new ApiError(
        'rate_limited',
        `a project has at most ${this.limits.maxActivePerProject} share keys; revoke one first`,
      );
    }
    const key = generateKey(SHARE_KEY_PREFIX);
    const row: ShareKeyRow = {
      id: `shk_${randomBytes(ID_BYTES).toString('base64url')}`,
      project_id: projectId,
      key_hash: hashSecret(key),
      label,
      created_at: this.now(),
      revoked_at: null,
    };
    await this.engine.insertShareKey(row);
    this.remember(row);
    return { ...infoOf(row), key };
  }

  /** Revokes the project's key `id`; false when the project has none with that id. */
  async revoke(projectId: string, id: string): Promise<boolean> {
    const at = this.now();
    if (!(await this.engine.revokeShareKey(projectId, id, at))) return false;
    const row = this.byId.get(id);
    const revoked = row?.project_id === projectId ? { ...row, revoked_at: row.revoked_at ?? at } : null;
    if (revoked) this.remember(revoked);
    else await this.reload();
    const announced = revoked ?? this.byId.get(id);
    if (announced) for (const listener of this.listeners) listener(announced);
    return true;
  }

  /** Calls `listener` with each key revoked (here, or seen revoked on a reload); returns the stop function. */
  onRevoked(listener: ShareKeyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private remember(row: ShareKeyRow): void {
    this.byHash.set(row.key_hash, row);
    this.byId.set(row.id, row);
  }

  private async refreshIfStale(): Promise<void> {
    if (this.now() - this.loadedAt >= this.limits.refreshMs) await this.reload();
  }

  /** Reads every key again; concurrent callers share one read. */
  private reload(): Promise<void> {
    this.reloading ??= this.readAll().finally(() => {
      this.reloading = null;
    });
    return this.reloading;
  }

  /**
   * Merges what storage holds into the copy. Keys are never deleted, so one known here but not in
   * the read was made after the read began, and a revocation known here stays, whatever the read
   * (it may have been taken before the revocation was written).
   */
  private async readAll(): Promise<void> {
    const startedAt = this.now();
    const rows = await this.engine.listShareKeys();
    const newlyRevoked: ShareKeyRow[] = [];
    for (const stored of rows) {
      const known = this.byId.get(stored.id);
      const row = { ...stored, revoked_at: stored.revoked_at ?? known?.revoked_at ?? null };
      if (known && known.revoked_at === null && row.revoked_at !== null) newlyRevoked.push(row);
      this.remember(row);
    }
    this.loadedAt = startedAt;
    for (const row of newlyRevoked) for (const listener of this.listeners) listener(row);
  }
}

/** Operator settings: `SIGHTLINE_MAX_SHARE_KEYS_PER_PROJECT` (active share keys a project may have). */
export function shareKeyLimitsFromEnv(env: NodeJS.ProcessEnv): Partial<ShareKeyLimits> {
  const max = positiveIntegerFromEnv(env, 'SIGHTLINE_MAX_SHARE_KEYS_PER_PROJECT');
  return max === undefined ? {} : { maxActivePerProject: max };
}
