import { LiveQueryContext, LiveQueryError, useLiveQuery } from '@sightline/react';
import type { SessionSummary, SessionsResult } from '@sightline/schema/query-results';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { SessionListArgs } from './session-params';

/** Rows per page: a screenful; "Load more" asks for the next this many. */
export const SESSIONS_PAGE_SIZE = 50;

export interface SessionPages {
  /** The first page, kept live; undefined while it loads. */
  head: SessionsResult | undefined;
  /** Every row to show: the live first page, then the pages loaded after it, each session once. */
  rows: SessionSummary[];
  /** A next page exists (and none is loading). */
  canLoadMore: boolean;
  loadingMore: boolean;
  loadMore(): void;
}

const bySortValue = (sort: SessionListArgs['sort']) => {
  const key = sort ?? 'last_seen';
  return (a: SessionSummary, b: SessionSummary) =>
    b[key] - a[key] || (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0);
};

/**
 * The sessions list a page at a time. The first page is live (new sessions appear on top); "Load
 * more" fetches the page after the last one once, by its cursor: the server answers it from the
 * snapshot of events the cursor was taken from, so it would not change anyway, and a page that
 * stays subscribed would re-run at every write for nothing. Sessions pushed off the live first
 * page while later pages are shown would fall between the two: they are kept (a session leaves
 * the top only because others passed it, so its row has not changed) until they come back to the
 * top. Mount one per set of arguments (`key`), so a change starts afresh.
 */
export function useSessionPages(args: SessionListArgs): SessionPages {
  const client = useContext(LiveQueryContext);
  const head = useLiveQuery('sessions', { ...args, limit: SESSIONS_PAGE_SIZE });
  const [pages, setPages] = useState<ReadonlyArray<SessionsResult | null>>([]);
  const [failure, setFailure] = useState<LiveQueryError | null>(null);
  const [fallen, setFallen] = useState<ReadonlyMap<string, SessionSummary>>(new Map());
  const previousHead = useRef<SessionsResult | undefined>(undefined);
  const pending = useRef<Set<() => void>>(new Set());

  useEffect(() => {
    const fetches = pending.current;
    return () => {
      for (const stop of fetches) stop();
    };
  }, []);

  // Rows that leave the live first page while later pages are shown.
  useEffect(() => {
    const before = previousHead.current;
    previousHead.current = head;
    if (!head || !before || pages.length === 0) return;
    const onTop = new Set(head.sessions.map((s) => s.session_id));
    const left = before.sessions.filter((s) => !onTop.has(s.session_id));
    setFallen((current) => {
      if (left.length === 0 && ![...current.keys()].some((id) => onTop.has(id))) return current;
      const next = new Map([...current].filter(([id]) => !onTop.has(id)));
      for (const session of left) next.set(session.session_id, session);
      return next;
    });
  }, [head, pages.length]);

  const last = pages.length === 0 ? head : pages[pages.length - 1];
  const loadingMore = last === null;
  const next = last?.next_cursor ?? null;

  const loadMore = useCallback(() => {
    if (!client || !next) return;
    const index = pages.length;
    setPages((current) => [...current, null]);
    // The first answer is the page: stop listening as soon as it is in.
    let stop: (() => void) | null = null;
    let answered = false;
    const finish = () => {
      if (!stop) return;
      stop();
      pending.current.delete(stop);
    };
    stop = client.subscribe(
      'sessions',
      { ...args, limit: SESSIONS_PAGE_SIZE, cursor: next },
      (result) => {
        answered = true;
        setPages((current) => current.map((page, i) => (i === index ? result : page)));
        finish();
      },
      (error) => setFailure(new LiveQueryError(error.error, error.message)),
    );
    pending.current.add(stop);
    if (answered) finish();
  }, [client, next, pages.length, args]);

  const rows = useMemo(() => {
    const seen = new Set<string>();
    const out: SessionSummary[] = [];
    const add = (session: SessionSummary) => {
      if (seen.has(session.session_id)) return;
      seen.add(session.session_id);
      out.push(session);
    };
    head?.sessions.forEach(add);
    [...fallen.values()].sort(bySortValue(args.sort)).forEach(add);
    for (const page of pages) page?.sessions.forEach(add);
    return out;
  }, [head, fallen, pages, args.sort]);

  // Shown by the list's error boundary, like a failing live query.
  if (failure) throw failure;
  return { head, rows, canLoadMore: next !== null, loadingMore, loadMore };
}
