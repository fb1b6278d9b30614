import { describeIssues } from '@sightline/schema';
import { ApiError } from '../../errors.js';
import { decodeJsonBody } from '../../ingest/decode-body.js';
import { QUERIES } from '../../query/index.js';
import { projectForRead } from '../auth.js';
import type { Route } from '../context.js';
import { readBody } from '../read-body.js';
import { sendJson } from '../respond.js';

const MAX_QUERY_BODY = 1024 * 1024;

/** POST /v1/query/<name>: JSON args → JSON result, for the project of the secret key. */
export const queryRoute: Route = {
  method: 'POST',
  path: '/v1/query/:name',
  async handler({ req, res, params, ctx }) {
    const project = projectForRead(ctx.projects, req);
    const definition = QUERIES.get(params['name'] ?? '');
    if (!definition) {
      throw new ApiError(
        'not_found',
        `unknown query "${params['name']}"; known: ${[...QUERIES.keys()].join(', ')}`,
      );
    }
    const raw = await readBody(req, MAX_QUERY_BODY);
    const body = raw.length === 0 ? {} : await decodeJsonBody(raw);
    const args = definition.args.safeParse(body);
    if (!args.success) throw new ApiError('invalid_arguments', describeIssues(args.error));
    const result = await definition.run(
      { engine: ctx.engine, projectId: project.id, now: Date.now() },
      args.data,
    );
    sendJson(res, 200, result);
  },
};
