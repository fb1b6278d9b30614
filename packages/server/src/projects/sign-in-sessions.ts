import { randomBytes } from 'node:crypto';
import { positiveIntegerFromEnv } from '../env.js';
import { ApiError } from '../errors.js';
import type { SignInSessionRow, StorageEngine } from '../storage/engine.js';
import { hashSecret } from './keys.js';
import { SHARE_KEY_ID_PATTERN } from './share-keys.js';

export interface SignInSessionOptions {
  /** How long a sign-in lasts. */
  lifetimeMs: number;
  /** How long a session read from storage is trusted before it is read again. */
  recheckMs: number;
  /** Sessions held in memory; beyond it the least recently used are dropped (read again when used). */
  maxCached: number;
  /** Sign-ins per minute with one key (the project's secret key, or one share key). */
  signInsPerMinute: number;
}

export const DEFAULT_SIGN_IN_SESSION_OPTIONS: SignInSessionOptions = {
  // A dashboard on a team laptop or a wall screen stays signed in through weeks of use; a browser
  // left behind loses access on its own within a month. Sign-out and sign-out-everywhere end it sooner.
  lifetimeMs: 30 * 86_400_000,
  // A sign-out made on another node (several nodes over one ClickHouse) applies here within this
  // time; on the node that signed out, at once.
  recheckMs: 30_000,
  // An entry is about 200 bytes: 10,000 (2 MB) covers every dashboard a server realistically
  // serves at once; the rest cost one storage read per `recheckMs`.
  maxCached: 10_000,
  // A person signs in a few times a day; this bounds the rows one key holder can make pile up
  // (sessions are kept, revoked or expired, for the record). Counted per key, so a share key's
  // holder never uses up the owner's sign-ins.
  signInsPerMinute: 30,
};

/** Bytes of randomness in a session id: 256 bits, past any guessing. */
const SESSION_ID_BYTES = 32;
/** What a session cookie looks like: full access `s1.<id>`, a share link's `r1.<share key id>.<id>`. */
const COOKIE_PATTERN = /^(?:s1|r1\.(shk_[A-Za-z0-9_-]{12}))\.[A-Za-z0-9_-]{43}$/;

/** A valid sign-in, as the cookie value and its stored row say. */
export interface SessionGrant {
  idHash: string;
  projectId: string;
  /** The share key it was opened with (a read-only session); null: the secret key (full access). */
  shareKeyId: string | null;
  createdAt: number;
  expiresAt: number;
}

export type SessionRevocation = { idHash: string } | { projectId: string; at: number };

interface CachedSession {
  row: SignInSessionRow;
  readAt: number;
}

/**
 * Dashboard sign-in sessions (the cookie): a random 256-bit id of which only the sha256 is stored.
 * Whether a session is read-only is part of the id the server issued (`r1.<share key id>.…`): a
 * changed prefix hashes to no stored session, so the client cannot alter it. Sessions read from
 * storage are cached (bounded, least recently used out) and read again after `recheckMs`; a
 * revocation on this node drops them from the cache at once and is announced to `onRevoked`.
 */
export class SignInSessions {
  private readonly cache = new Map<string, CachedSession>();
  /** Bumped by every revocation: a read that overlapped one is not cached (it may predate it). */
  private revocations = 0;
  private readonly signIns = new Map<string, { minute: number; count: number }>();
  private readonly listeners = new Set<(revocation: SessionRevocation) => void>();

  constructor(
    private readonly engine: StorageEngine,
    readonly options: SignInSessionOptions = DEFAULT_SIGN_IN_SESSION_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Opens a session; returns the cookie value (shown to nobody but the browser) and its end. */
  async create(projectId: string, shareKeyId: string | null): Promise<{ cookie: string; expiresAt: number }> {
    if (shareKeyId !== null && !SHARE_KEY_ID_PATTERN.test(shareKeyId)) throw new Error('not a share key id');
    this.countSignIn(shareKeyId ?? `secret:${projectId}`);
    const id = randomBytes(SESSION_ID_BYTES).toString('base64url');
    const cookie = shareKeyId === null ? `s1.${id}` : `r1.${shareKeyId}.${id}`;
    const createdAt = this.now();
    const row: SignInSessionRow = {
      id_hash: hashSecret(cookie),
      project_id: projectId,
      created_at: createdAt,
      expires_at: createdAt + this.options.lifetimeMs,
      revoked_at: null,
    };
    await this.engine.insertSignInSession(row);
    return { cookie, expiresAt: row.expires_at };
  }

  /** The session a cookie value opens, or null (malformed, unknown, revoked or expired). */
  async resolve(cookie: string): Promise<SessionGrant | null> {
    const match = COOKIE_PATTERN.exec(cookie);
    if (!match) return null;
    const idHash = hashSecret(cookie);
    const row = await this.read(idHash);
    if (!row || row.revoked_at !== null || row.expires_at <= this.now()) return null;
    return {
      idHash,
      projectId: row.project_id,
      shareKeyId: match[1] ?? null,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  /** Whether a grant still holds: not revoked (here, or elsewhere within `recheckMs`) nor expired. */
  async stillValid(grant: SessionGrant): Promise<boolean> {
    const row = await this.read(grant.idHash);
    return row !== null && row.revoked_at === null && row.expires_at > this.now();
  }

  /** Signs this one session out (the browser's own cookie). */
  async revoke(idHash: string): Promise<void> {
    await this.engine.revokeSignInSession(idHash, this.now());
    this.revocations++;
    this.cache.delete(idHash);
    this.announce({ idHash });
  }

  /** Signs out the session of a cookie value (nothing for a value that is not a session cookie). */
  async signOut(cookie: string): Promise<void> {
    if (COOKIE_PATTERN.test(cookie)) await this.revoke(hashSecret(cookie));
  }

  /** Signs every session of the project out; returns how many were still open. */
  async revokeAll(projectId: string): Promise<number> {
    const at = this.now();
    const count = await this.engine.revokeSignInSessions(projectId, at);
    this.revocations++;
    for (const [idHash, cached] of this.cache)
      if (cached.row.project_id === projectId) this.cache.delete(idHash);
    this.announce({ projectId, at });
    return count;
  }

  onRevoked(listener: (revocation: SessionRevocation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(revocation: SessionRevocation): void {
    for (const listener of this.listeners) listener(revocation);
  }

  private async read(idHash: string): Promise<SignInSessionRow | null> {
    const cached = this.cache.get(idHash);
    if (cached && this.now() - cached.readAt < this.options.recheckMs) {
      // Most recently used last: the first entries are the ones dropped when the cache is full.
      this.cache.delete(idHash);
      this.cache.set(idHash, cached);
      return cached.row;
    }
    const before = this.revocations;
    const readAt = this.now();
    const row = await this.engine.findSignInSession(idHash);
    this.cache.delete(idHash);
    // Unknown ids are not cached: made-up cookies would push real sessions out.
    if (row && before === this.revocations) {
      this.cache.set(idHash, { row, readAt });
      if (this.cache.size > this.options.maxCached) this.cache.delete(this.cache.keys().next().value!);
    }
    // A read that overlapped a revocation may predate it: read once more.
    if (before !== this.revocations) return this.engine.findSignInSession(idHash);
    return row;
  }

  private countSignIn(keyId: string): void {
    const minute = Math.floor(this.now() / 60_000);
    const entry = this.signIns.get(keyId);
    if (!entry || entry.minute !== minute) {
      // One entry per key that signed in this minute: dropping older ones keeps it from growing.
      for (const [id, e] of this.signIns) if (e.minute !== minute) this.signIns.delete(id);
      this.signIns.set(keyId, { minute, count: 1 });
      return;
    }
    if (entry.count >= this.options.signInsPerMinute) {
      throw new ApiError(
        'rate_limited',
        `at most ${this.options.signInsPerMinute} sign-ins per minute with one key; retry in a minute`,
      );
    }
    entry.count++;
  }
}

/** Operator settings: `SIGHTLINE_SIGN_IN_DAYS` (how long a dashboard sign-in lasts). */
export function signInOptionsFromEnv(env: NodeJS.ProcessEnv): Partial<SignInSessionOptions> {
  const days = positiveIntegerFromEnv(env, 'SIGHTLINE_SIGN_IN_DAYS');
  return days === undefined ? {} : { lifetimeMs: days * 86_400_000 };
}
