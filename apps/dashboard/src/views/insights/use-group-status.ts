import { useCallback, useState } from 'react';
import { setInsightGroupStatus } from '../../api/insight-status';
import type { InsightStatus } from '../../api/types';

/**
 * Acknowledging / resolving a whole problem group. The live `insight_groups` query re-runs on
 * the write by itself; until it has, the group's buttons stay busy.
 */
export function useGroupStatus() {
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<string | null>(null);

  const change = useCallback(async (problem: string, status: InsightStatus) => {
    setBusy((b) => new Set(b).add(problem));
    setError(null);
    try {
      await setInsightGroupStatus(problem, status);
    } catch (e) {
      setError(`Could not change the status: ${(e as Error).message}`);
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(problem);
        return next;
      });
    }
  }, []);

  return { change, busy, error };
}
