import { type ConnectionState, LiveClient } from '@sightline/client';
import { useEffect, useState } from 'react';

export interface LiveConnection {
  client: LiveClient;
  state: ConnectionState;
  /** The server refused the sign-in (close code 4401: signed out, expired, revoked): sign in again. */
  refused: boolean;
}

/**
 * One `/v1/live` connection per sign-in, to the server that served the page; the sign-in cookie
 * authenticates it (no key in the browser). The client reconnects with backoff and resubscribes
 * by itself; this hook only mirrors its state for the badge and notices a refused sign-in.
 */
export function useLiveConnection(): LiveConnection {
  const [client] = useState(() => new LiveClient({ url: window.location.origin }));
  const [state, setState] = useState<ConnectionState>(client.state);
  const [refused, setRefused] = useState(false);

  useEffect(() => {
    const stop = client.onStateChange((next, error) => {
      setState(next);
      if (error?.error === 'invalid_secret_key') setRefused(true);
    });
    client.connect();
    return () => {
      stop();
      client.close();
    };
  }, [client]);

  return { client, state, refused };
}
