import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../../errors.js';
import { eventToNdjson, parseExportRange } from '../../export/ndjson.js';
import type { StoredEvent } from '../../storage/engine.js';
import { projectForRead } from '../auth.js';
import type { Route } from '../context.js';

/**
 * GET /v1/export?from=&to=: the project's events as NDJSON, oldest first, streamed with
 * backpressure. Bounds are checked and the first page read before the status line, so those
 * failures are still JSON errors. Exports run in limited slots (export-limits.ts); a client that
 * stops reading, or takes longer than the longest export allowed, is cut so its slot comes back.
 */
export const exportRoute: Route = {
  method: 'GET',
  path: '/v1/export',
  async handler({ req, res, url, ctx }) {
    const project = await projectForRead(ctx, req);
    const range = parseExportRange(url.searchParams.get('from'), url.searchParams.get('to'));
    if ('error' in range) throw new ApiError('invalid_arguments', range.error);
    // Read-your-acks: the export holds every event acknowledged before it started.
    await ctx.readBarrier(project.id);
    const release = ctx.exports.take(project.id);
    const { stallMs, maxDurationMs } = ctx.exports.limits;
    const deadline = Date.now() + maxDurationMs;
    let gone = false;
    res.once('close', () => {
      gone = true;
    });
    const pages = ctx.engine.exportEvents(project.id, range)[Symbol.asyncIterator]();
    try {
      let page = await pages.next();
      res.writeHead(200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-store',
      });
      while (!page.done) {
        // The engine reads the next page while this one is written.
        const upcoming = pages.next();
        upcoming.catch(() => undefined);
        for (const piece of ndjsonPieces(page.value)) {
          if (!(await writeWithin(res, piece, stallMs, () => gone)) || Date.now() > deadline) {
            res.destroy();
            return;
          }
        }
        page = await upcoming;
      }
      res.end();
    } finally {
      release();
      // Stops the engine's side of an export that ended early (client gone, cut, or an error).
      await pages.return?.().catch(() => undefined);
    }
  },
};

/** Bytes per write: the stall check sees a slow client's progress a write at a time. */
const PIECE_CHARS = 64 * 1024;

/** A page as NDJSON, in pieces of about PIECE_CHARS (whole lines, so no character is ever split). */
function* ndjsonPieces(events: readonly StoredEvent[]): Generator<string> {
  let lines: string[] = [];
  let size = 0;
  for (const event of events) {
    const line = eventToNdjson(event);
    lines.push(line);
    size += line.length;
    if (size >= PIECE_CHARS) {
      yield lines.join('');
      lines = [];
      size = 0;
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/**
 * Writes `text` and waits until the client has taken it; false when the client went away, or when
 * nothing more reached it for `stallMs` (a client that reads slowly but steadily is not cut).
 */
async function writeWithin(
  res: ServerResponse,
  text: string,
  stallMs: number,
  gone: () => boolean,
): Promise<boolean> {
  if (gone()) return false;
  if (res.write(text)) return true;
  let sent = flushed(res);
  for (;;) {
    if (gone()) return false;
    const stop = new AbortController();
    const { signal } = stop;
    try {
      const outcome = await Promise.race([
        once(res, 'drain', { signal }).then(() => 'drained' as const),
        once(res, 'close', { signal }).then(() => 'closed' as const),
        sleep(stallMs, 'waited' as const, { signal }),
      ]);
      if (outcome !== 'waited') return outcome === 'drained';
    } finally {
      stop.abort();
    }
    const now = flushed(res);
    if (now <= sent) return false;
    sent = now;
  }
}

/**
 * Bytes the kernel has taken from the socket: its bytesWritten counts a write once handed to
 * libuv, and writableLength holds that write until it completes (hence pieces, not whole pages).
 */
function flushed(res: ServerResponse): number {
  const socket = res.socket;
  return socket ? socket.bytesWritten - socket.writableLength : 0;
}
