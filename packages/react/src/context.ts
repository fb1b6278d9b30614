import type { Sightline } from '@sightline/sdk';
import { createContext, useContext } from 'react';

export const SightlineContext = createContext<Sightline | null>(null);

/** The client of the nearest <SightlineProvider>. */
export function useSightline(): Sightline {
  const client = useContext(SightlineContext);
  if (!client) throw new Error('useSightline must be used inside <SightlineProvider>');
  return client;
}

/** `track(event, properties)` of the nearest provider's client (a stable function). */
export const useTrack = (): Sightline['track'] => useSightline().track;
