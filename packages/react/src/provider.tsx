import { createSightline, type Sightline, type SightlineOptions } from '@sightline/sdk';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { SightlineContext } from './context.js';

export type SightlineProviderProps = { children?: ReactNode } & (
  | {
      /** A client you created and initialised; the provider never shuts it down. */
      client: Sightline;
      options?: undefined;
    }
  | {
      /** The provider creates a client, initialises it after mount and shuts it down on unmount. Read once. */
      options: SightlineOptions;
      client?: undefined;
    }
);

/**
 * Makes a Sightline client available to the hooks below it. Initialising in an effect keeps
 * rendering free of side effects (server rendering, StrictMode); calls made by children before
 * that are kept by the client and replayed on init.
 */
export function SightlineProvider({ client, options, children }: SightlineProviderProps) {
  const [owned] = useState(() => (client ? undefined : createSightline()));
  const initialOptions = useRef(options);

  useEffect(() => {
    if (!owned || !initialOptions.current) return;
    owned.init(initialOptions.current);
    return () => owned.shutdown();
  }, [owned]);

  return <SightlineContext.Provider value={client ?? owned ?? null}>{children}</SightlineContext.Provider>;
}
