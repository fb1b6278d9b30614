import { describeIssues } from '@sightline/schema';
import { ApiError } from '../../errors.js';
import { decodeJsonBody } from '../../ingest/decode-body.js';
import { QUERIES } from '../../query/index.js';
import { projectForRead } from '../auth.js';
import type { Route } from '../context.js';
import { readBody } from '../read-body.js';
import { sendJson } from '../respond.js';

const MAX_QUERY_BODY = 1024 * 1024;

/**
 * POST /v1/query/<name>: JSON args → JSON result, for the project of the secret key. Runs through
 * the shared QueryRunner: a fair turn on the engine and a time budget (`503 query_timeout`), a full
 * project queue → `429 rate_limited`.
 */
export const queryRoute: Route = {
  method: 'POST',
  path: '/v1/query/:name',
  async handler({ req, res, params, ctx }) {
    const project = await projectForRead(ctx, req);
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
    // A client that leaves stops its query (queued or running): nobody would read the answer.
    const clientLeft = new AbortController();
    const onClose = () => clientLeft.abort(new Error('the client closed the connection'));
    res.once('close', onClose);
    try {
      const { value } = await ctx.queries.run({
        projectId: project.id,
        definition,
        args: args.data,
        signal: clientLeft.signal,
        budgetIncludesWait: true,
      });
      sendJson(res, 200, value);
    } catch (error) {
      if (clientLeft.signal.aborted) return;
      // Cancelled by shutdown: a kept-alive connection would hold server.close() until its grace ends.
      if (error instanceof ApiError && error.code === 'shutting_down') res.setHeader('connection', 'close');
      throw error;
    } finally {
      res.off('close', onClose);
    }
  },
};
