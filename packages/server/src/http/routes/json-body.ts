import type { IncomingMessage } from 'node:http';
import { describeIssues } from '@sightline/schema';
import type { z } from 'zod';
import { ApiError } from '../../errors.js';
import { decodeJsonBody } from '../../ingest/decode-body.js';
import { readBody } from '../read-body.js';

const MAX_SETTINGS_BODY = 256 * 1024;

/** Reads a small JSON body and validates it; invalid → 400 invalid_arguments naming the field. */
export async function readJsonArgs<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const raw = await readBody(req, MAX_SETTINGS_BODY);
  const body = raw.length === 0 ? {} : await decodeJsonBody(raw);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new ApiError('invalid_arguments', describeIssues(parsed.error));
  return parsed.data;
}
