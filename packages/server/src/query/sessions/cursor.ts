import { createHash } from 'node:crypto';
import { type ParsedQueryArgs, SESSION_SORTS } from '@sightline/schema';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { type ListSnapshot, listSnapshotSchema } from './snapshot.js';

type SessionsArgs = ParsedQueryArgs<'sessions'>;

/**
 * The sessions list's `next_cursor`: where the previous page stopped (its last row's sort value
 * and session id, for a keyset condition) and the snapshot every page of the list reads (range,
 * events up to a seq, the rollup cover), so paging while events arrive returns each session once.
 * base64url JSON: opaque to callers, not secret (it names nothing outside the caller's project).
 */
const cursorSchema = z.object({
  v: z.literal(1),
  /** Fingerprint of the arguments that choose and order the sessions: a cursor serves only them. */
  args: z.string(),
  sort: z.enum(SESSION_SORTS),
  key: z.number().finite(),
  id: z.string(),
  snapshot: listSnapshotSchema,
});

export type SessionsCursor = z.infer<typeof cursorSchema>;

/** Every argument but `cursor` and `limit` (a page may ask for more or fewer rows than the last). */
export function argsFingerprint(args: SessionsArgs): string {
  const { cursor: _cursor, limit: _limit, ...chosen } = args;
  const ordered = Object.fromEntries(Object.entries(chosen).sort(([a], [b]) => a.localeCompare(b)));
  return createHash('sha256').update(JSON.stringify(ordered)).digest('base64url').slice(0, 16);
}

export function encodeCursor(
  args: SessionsArgs,
  last: { key: number; id: string },
  snapshot: ListSnapshot,
): string {
  const cursor: SessionsCursor = { v: 1, args: argsFingerprint(args), sort: args.sort, ...last, snapshot };
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const invalid = (why: string) => new ApiError('invalid_arguments', `cursor: ${why}`);

/** The cursor of a previous page of these arguments; anything else is `invalid_arguments`. */
export function decodeCursor(text: string, args: SessionsArgs): SessionsCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not a cursor this server handed out');
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw invalid('not a cursor this server handed out');
  if (result.data.args !== argsFingerprint(args) || result.data.sort !== args.sort) {
    throw invalid('it belongs to other arguments; start again without a cursor');
  }
  return result.data;
}
