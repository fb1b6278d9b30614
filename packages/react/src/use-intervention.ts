import type { Intervention, Properties } from '@sightline/sdk';
import { useCallback, useRef, useState, useSyncExternalStore } from 'react';
import { useSightline } from './context.js';

export interface InterventionState {
  /** The latest intervention pushed by the server, until a result is reported for it. */
  intervention: Intervention | undefined;
  /** Tracks `$intervention_shown` once per intervention (safe to call from an effect). */
  shown(properties?: Properties): void;
  /** Tracks `$intervention_result` (e.g. 'accepted', 'dismissed') and clears the intervention. */
  result(result: string, properties?: Properties): void;
}

/** The latest server intervention for this session (needs `interventions: true` in the options). */
export function useIntervention(): InterventionState {
  const client = useSightline();
  const latest = useSyncExternalStore(client.onIntervention, client.lastIntervention, () => undefined);
  const [handledId, setHandledId] = useState<string>();
  const shownIds = useRef(new Set<string>());
  const intervention = latest && latest.id !== handledId ? latest : undefined;

  const shown = useCallback(
    (properties?: Properties) => {
      if (!intervention || shownIds.current.has(intervention.id)) return;
      shownIds.current.add(intervention.id);
      client.interventionShown(intervention.id, properties);
    },
    [client, intervention],
  );
  const result = useCallback(
    (outcome: string, properties?: Properties) => {
      if (!intervention) return;
      client.interventionResult(intervention.id, outcome, properties);
      setHandledId(intervention.id);
    },
    [client, intervention],
  );
  return { intervention, shown, result };
}
