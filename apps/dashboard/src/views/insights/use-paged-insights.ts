import { useLiveQuery } from '@sightline/react';
import type { InsightsResult, QueryArgs } from '@sightline/schema/query-results';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { fetchInsightsPage } from '../../api/insight-status';
import type { Insight } from '../../api/types';

/** The list's filters: everything but the page. */
export type InsightListArgs = Omit<QueryArgs<'insights'>, 'cursor' | 'limit'>;

interface OlderPages {
  /** The filters these pages belong to (new filters start over). */
  key: string;
  /** Insights shown so far beyond the live first page: loaded pages, and ones the first page has since let go. */
  kept: ReadonlyMap<string, Insight>;
  /** Where the next page starts; undefined before the first "load more". */
  cursor: string | null | undefined;
  loading: boolean;
  error: string | null;
}

const newest = (a: Insight, b: Insight) =>
  b.generated_at - a.generated_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

const fresh = (key: string): OlderPages => ({
  key,
  kept: new Map(),
  cursor: undefined,
  loading: false,
  error: null,
});

/**
 * A list of insights that grows downwards: the first page is live (new insights appear on top,
 * with the range's counts), "load more" fetches older pages by cursor. The server's cursor is a
 * position in (generated_at, id) order, so pages never overlap or skip; insights the live page
 * lets go of (pushed down by new ones) are kept, so nothing already shown disappears.
 */
export function usePagedInsights(args: InsightListArgs, pageSize: number) {
  const head: InsightsResult | undefined = useLiveQuery('insights', { ...args, limit: pageSize });
  const key = JSON.stringify(args);
  const [older, setOlder] = useState<OlderPages>(() => fresh(key));
  const pages = older.key === key ? older : fresh(key);
  const paging = pages.cursor !== undefined;

  // While paging, whatever the live page showed stays on the list.
  useEffect(() => {
    if (!head || !paging) return;
    setOlder((o) => {
      if (o.key !== key) return o;
      const kept = new Map(o.kept);
      for (const insight of head.insights) kept.set(insight.id, insight);
      return { ...o, kept };
    });
  }, [head, paging, key]);

  const loadMore = useCallback(() => {
    if (!head || pages.loading) return;
    const cursor = paging ? pages.cursor : head.next_cursor;
    if (!cursor) return;
    const kept = new Map(pages.kept);
    if (!paging) for (const insight of head.insights) kept.set(insight.id, insight);
    setOlder({ key, kept, cursor, loading: true, error: null });
    fetchInsightsPage({ ...args, limit: pageSize, cursor }).then(
      (page) =>
        setOlder((o) => {
          if (o.key !== key) return o;
          const next = new Map(o.kept);
          for (const insight of page.insights) next.set(insight.id, insight);
          return { key, kept: next, cursor: page.next_cursor, loading: false, error: null };
        }),
      (error: unknown) =>
        setOlder((o) => (o.key === key ? { ...o, loading: false, error: (error as Error).message } : o)),
    );
  }, [head, pages, paging, key, args, pageSize]);

  const insights = useMemo(() => {
    if (!head) return undefined;
    if (!paging) return head.insights;
    // The live page's copy is the freshest (status changes); older ones fill in the rest.
    const merged = new Map(pages.kept);
    for (const insight of head.insights) merged.set(insight.id, insight);
    return [...merged.values()].sort(newest);
  }, [head, paging, pages.kept]);

  return {
    /** The live first page: total and counts of the whole range. */
    head,
    insights,
    hasMore: head ? (paging ? pages.cursor !== null : head.next_cursor !== null) : false,
    loading: pages.loading,
    error: pages.error,
    loadMore,
  };
}
