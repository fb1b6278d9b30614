import { sql } from '../../sql/sql.js';
import type { ShareKeyRow, SignInSessionRow } from '../engine.js';
import { selectRecords } from './codec.js';
import type { RecordExecutor } from './executor.js';
import { SHARE_KEYS, SIGN_IN_SESSIONS } from './tables.js';

/**
 * Who may open a project's dashboard besides its secret key: read-only share keys and cookie
 * sign-in sessions. Only hashes are stored. Revoking keeps the row (with its first revoked_at), so
 * a revoked key or session is told apart from an unknown one.
 */
export class AccessStore {
  constructor(private readonly db: RecordExecutor) {}

  listShareKeys(): Promise<ShareKeyRow[]> {
    return selectRecords(this.db, SHARE_KEYS, undefined, 'created_at, project_id, id');
  }

  insertShareKey(row: ShareKeyRow): Promise<void> {
    return this.db.transaction((writer) => writer.put(SHARE_KEYS, [row]));
  }

  revokeShareKey(projectId: string, id: string, at: number): Promise<boolean> {
    return this.db.transaction(async (writer) => {
      const [key] = await selectRecords(writer, SHARE_KEYS, sql`project_id = ${projectId} AND id = ${id}`);
      if (!key) return false;
      if (key.revoked_at === null) await writer.put(SHARE_KEYS, [{ ...key, revoked_at: at }]);
      return true;
    });
  }

  insertSignInSession(row: SignInSessionRow): Promise<void> {
    return this.db.transaction((writer) => writer.put(SIGN_IN_SESSIONS, [row]));
  }

  async findSignInSession(idHash: string): Promise<SignInSessionRow | null> {
    const [session] = await selectRecords(this.db, SIGN_IN_SESSIONS, sql`id_hash = ${idHash}`);
    return session ?? null;
  }

  revokeSignInSession(idHash: string, at: number): Promise<boolean> {
    return this.db.transaction(async (writer) => {
      const [session] = await selectRecords(writer, SIGN_IN_SESSIONS, sql`id_hash = ${idHash}`);
      if (!session) return false;
      if (session.revoked_at === null) await writer.put(SIGN_IN_SESSIONS, [{ ...session, revoked_at: at }]);
      return true;
    });
  }

  revokeSignInSessions(projectId: string, at: number): Promise<number> {
    return this.db.transaction(async (writer) => {
      const active = await selectRecords(
        writer,
        SIGN_IN_SESSIONS,
        sql`project_id = ${projectId} AND revoked_at IS NULL`,
      );
      await writer.put(
        SIGN_IN_SESSIONS,
        active.map((session) => ({ ...session, revoked_at: at })),
      );
      return active.length;
    });
  }
}
