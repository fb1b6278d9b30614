import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { ApiError } from '../../errors.js';
import { eventToNdjson, parseTimeBound } from '../../export/ndjson.js';
import { projectForRead } from '../auth.js';
import type { Route } from '../context.js';

async function write(res: ServerResponse, text: string): Promise<void> {
  // A client that disconnects never drains: stop waiting when the socket closes.
  if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
}

/** GET /v1/export?from=&to=: the project's events as NDJSON, oldest first, streamed with backpressure. */
export const exportRoute: Route = {
  method: 'GET',
  path: '/v1/export',
  async handler({ req, res, url, ctx }) {
    const project = projectForRead(ctx.projects, req);
    const from = parseTimeBound(url.searchParams.get('from'), 0);
    const to = parseTimeBound(url.searchParams.get('to'), Number.MAX_SAFE_INTEGER);
    if (from === null)
      throw new ApiError('invalid_arguments', 'from must be ms since epoch or an ISO-8601 date');
    if (to === null) throw new ApiError('invalid_arguments', 'to must be ms since epoch or an ISO-8601 date');
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
    });
    let clientGone = false;
    res.on('close', () => {
      clientGone = !res.writableFinished;
    });
    for await (const chunk of ctx.engine.exportEvents(project.id, { from, to })) {
      if (clientGone) break;
      await write(res, chunk.map(eventToNdjson).join(''));
    }
    res.end();
  },
};
