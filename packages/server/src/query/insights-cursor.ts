import { ApiError } from '../errors.js';
import { type SqlFragment, sql } from '../sql/sql.js';

/**
 * Where a page of insights ended: the (generated_at, id) of its last row. Pages are in
 * (generated_at, id) descending order and the next one starts strictly after that position
 * (a keyset), so insights stored meanwhile never shift a page: newer ones sort before the cursor,
 * and none is listed twice or skipped.
 */
export interface InsightsPosition {
  generated_at: number;
  id: string;
}

/** Opaque to callers: base64url of `<generated_at>:<id>`. */
export function encodeInsightsCursor(position: InsightsPosition): string {
  return Buffer.from(`${position.generated_at}:${position.id}`, 'utf8').toString('base64url');
}

export function decodeInsightsCursor(cursor: string): InsightsPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const generatedAt = Number(text.slice(0, colon));
  const id = text.slice(colon + 1);
  if (colon <= 0 || !Number.isSafeInteger(generatedAt) || id === '' || text.includes('\uFFFD'))
    throw new ApiError('invalid_arguments', 'cursor: not a cursor of the insights query');
  return { generated_at: generatedAt, id };
}

/** Rows after `position` in (generated_at DESC, id DESC) order. */
export function afterPosition(position: InsightsPosition): SqlFragment {
  return sql`(generated_at < ${position.generated_at} OR (generated_at = ${position.generated_at} AND id < ${position.id}))`;
}
