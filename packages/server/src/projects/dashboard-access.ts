import { SHARE_KEY_PREFIX } from '@sightline/schema';
import { ApiError } from '../errors.js';
import type { Project, StorageEngine } from '../storage/engine.js';
import type { ProjectDirectory } from './directory.js';
import { PUBLIC_KEY_PREFIX } from './keys.js';
import { DEFAULT_SHARE_KEY_LIMITS, type ShareKeyLimits, ShareKeys } from './share-keys.js';
import {
  DEFAULT_SIGN_IN_SESSION_OPTIONS,
  type SessionGrant,
  type SignInSessionOptions,
  SignInSessions,
} from './sign-in-sessions.js';

/** How a request proved who it is. */
export type AccessVia = 'secret_key' | 'share_key' | 'session';

/** Who a request (or a live connection) reads and writes as. */
export interface Access {
  project: Project;
  /** A share key, or a session opened with one: reads only. */
  readOnly: boolean;
  via: AccessVia;
  /** The share key behind it (a share key sent, or a session opened with one); else null. */
  shareKeyId: string | null;
  /** The cookie session; null when a key came with the request. */
  session: SessionGrant | null;
}

export interface DashboardAccessOptions {
  shareKeys?: Partial<ShareKeyLimits>;
  sessions?: Partial<SignInSessionOptions>;
}

const SIGN_IN_ENDED = 'the sign-in has ended (signed out, expired, or its share link revoked); sign in again';

/**
 * Everything that opens a project's data to a reader: the secret key (full access), share keys
 * (read-only), and the cookie sessions the dashboard signs in to with either. Keys are never kept
 * or logged: lookups go through their sha256.
 */
export class DashboardAccess {
  readonly shareKeys: ShareKeys;
  readonly sessions: SignInSessions;

  constructor(
    private readonly projects: ProjectDirectory,
    engine: StorageEngine,
    options: DashboardAccessOptions = {},
  ) {
    this.shareKeys = new ShareKeys(engine, { ...DEFAULT_SHARE_KEY_LIMITS, ...options.shareKeys });
    this.sessions = new SignInSessions(engine, { ...DEFAULT_SIGN_IN_SESSION_OPTIONS, ...options.sessions });
  }

  /** A key sent with a request (Bearer, a live `auth` message, a sign-in): the secret key or a share key. */
  async byKey(key: string): Promise<Access> {
    const project = this.projects.bySecretKey(key);
    if (project) return { project, readOnly: false, via: 'secret_key', shareKeyId: null, session: null };
    if (key.startsWith(SHARE_KEY_PREFIX)) {
      const row = await this.shareKeys.find(key);
      const shared = row && this.projects.byId(row.project_id);
      if (!row || !shared) throw new ApiError('invalid_secret_key', 'unknown or revoked share key');
      return { project: shared, readOnly: true, via: 'share_key', shareKeyId: row.id, session: null };
    }
    if (key.startsWith(PUBLIC_KEY_PREFIX) || this.projects.byPublicKey(key))
      throw new ApiError('invalid_secret_key', 'the public key cannot read data; use the secret key');
    throw new ApiError('invalid_secret_key', 'unknown secret key');
  }

  /** The value of a sign-in cookie. */
  async bySession(cookie: string): Promise<Access> {
    const session = await this.sessions.resolve(cookie);
    const project = session && this.projects.byId(session.projectId);
    if (!session || !project) throw new ApiError('invalid_secret_key', SIGN_IN_ENDED);
    const { shareKeyId } = session;
    if (shareKeyId !== null && !(await this.shareKeys.isActive(project.id, shareKeyId)))
      throw new ApiError('invalid_secret_key', SIGN_IN_ENDED);
    return { project, readOnly: shareKeyId !== null, via: 'session', shareKeyId, session };
  }

  /** Whether `access` still opens its project (a share key or a session may have ended since). */
  async stillValid(access: Access): Promise<boolean> {
    if (access.session && !(await this.sessions.stillValid(access.session))) return false;
    if (access.shareKeyId !== null) return this.shareKeys.isActive(access.project.id, access.shareKeyId);
    return true;
  }

  /**
   * Calls `onEnd` once when `access` stops opening its project: at once for a revocation on this
   * node, within the sessions' recheck time for one made elsewhere or an expiry. Returns the
   * function that stops watching. The secret key never ends while the server runs.
   */
  watch(access: Access, onEnd: () => void): () => void {
    if (access.via === 'secret_key') return () => undefined;
    const { session, shareKeyId } = access;
    let watching = true;
    const end = () => {
      if (!watching) return;
      stop();
      onEnd();
    };
    const stopShareKeys = this.shareKeys.onRevoked((row) => {
      if (row.id === shareKeyId) end();
    });
    const stopSessions = this.sessions.onRevoked((revoked) => {
      if (!session) return;
      const ended =
        'idHash' in revoked
          ? revoked.idHash === session.idHash
          : revoked.projectId === session.projectId && session.createdAt <= revoked.at;
      if (ended) end();
    });
    const recheck = setInterval(() => {
      this.stillValid(access).then(
        (valid) => valid || end(),
        // A storage failure is no proof of revocation: the next check decides.
        () => undefined,
      );
    }, this.sessions.options.recheckMs);
    recheck.unref();
    const stop = () => {
      watching = false;
      clearInterval(recheck);
      stopShareKeys();
      stopSessions();
    };
    return stop;
  }
}
