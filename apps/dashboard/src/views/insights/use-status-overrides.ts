import { useCallback, useState } from 'react';
import { setInsightStatus } from '../../api/insight-status';
import type { Insight, InsightStatus } from '../../api/types';

/**
 * Status changes shown at once. The live `insights` query is re-run on the processor's writes, and
 * a status change alone may not trigger one, so the new status is laid over the live list until
 * the list itself says the same.
 */
export function useStatusOverrides() {
  const [overrides, setOverrides] = useState<ReadonlyMap<string, InsightStatus>>(new Map());
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  const change = useCallback(async (id: string, status: InsightStatus) => {
    setBusy((b) => new Set(b).add(id));
    setError(null);
    try {
      await setInsightStatus(id, status);
      setOverrides((o) => new Map(o).set(id, status));
    } catch (e) {
      setError(`Could not change the status: ${(e as Error).message}`);
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(id);
        return next;
      });
    }
  }, []);

  const apply = useCallback(
    (insights: readonly Insight[]): Insight[] =>
      insights.map((i) => {
        const status = overrides.get(i.id);
        return status && status !== i.status ? { ...i, status } : i;
      }),
    [overrides],
  );

  return { apply, change, busy, error };
}
