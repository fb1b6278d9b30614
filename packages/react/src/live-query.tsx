import type { QueryArgs, QueryName, QueryResult } from '@sightline/schema';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';

/**
 * What the hooks need from a live-query client: `LiveClient` of @sightline/client fits. Kept
 * structural so this package does not depend on the client (apps pass the one they created).
 */
export interface LiveQuerySource {
  subscribe<N extends QueryName>(
    query: N,
    args: QueryArgs<N>,
    onResult: (value: QueryResult<N>) => void,
    onError?: (error: { error: string; message: string }) => void,
  ): () => void;
}

export const LiveQueryContext = createContext<LiveQuerySource | null>(null);

export interface LiveQueryProviderProps {
  /** A client you created (e.g. `new LiveClient({ url, key })`); the provider never closes it. */
  client: LiveQuerySource;
  children?: ReactNode;
}

/** Makes a live-query client available to useLiveQuery below it. */
export function LiveQueryProvider({ client, children }: LiveQueryProviderProps) {
  return <LiveQueryContext.Provider value={client}>{children}</LiveQueryContext.Provider>;
}

/** A live query's failure, thrown during render so an error boundary can show it. */
export class LiveQueryError extends Error {
  override readonly name = 'LiveQueryError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Latest = { key: string; value: unknown } | { key: string; error: LiveQueryError };

/** A query's arguments: optional when it needs none (each has a default or may be left out). */
type LiveQueryArgs<N extends QueryName> =
  Record<string, never> extends QueryArgs<N> ? [args?: QueryArgs<N>] : [args: QueryArgs<N>];

/**
 * The current result of a server query (`POST /v1/query/<name>`), kept up to date: undefined while
 * the first result for these arguments is loading. Arguments are compared by their JSON, so an
 * inline object literal does not resubscribe at every render. Name, arguments and result are typed
 * by the query map of @sightline/schema: `useLiveQuery('funnel', args)` is a `FunnelResult`.
 */
export function useLiveQuery<N extends QueryName>(
  name: N,
  ...[args]: LiveQueryArgs<N>
): QueryResult<N> | undefined {
  const client = useContext(LiveQueryContext);
  if (!client) throw new Error('useLiveQuery must be used inside <LiveQueryProvider>');
  const argsJson = JSON.stringify(args ?? {});
  const key = `${name}\u0000${argsJson}`;
  const [latest, setLatest] = useState<Latest | undefined>(undefined);

  useEffect(
    () =>
      client.subscribe(
        name,
        JSON.parse(argsJson) as QueryArgs<N>,
        (value) => setLatest({ key, value }),
        (e) => setLatest({ key, error: new LiveQueryError(e.error, e.message) }),
      ),
    [client, name, argsJson, key],
  );

  if (latest?.key !== key) return undefined;
  if ('error' in latest) throw latest.error;
  return latest.value as QueryResult<N>;
}
