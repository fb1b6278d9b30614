import { type ConnectionState, LiveClient } from '@sightline/client';
import { useEffect, useState } from 'react';

export interface LiveConnection {
  client: LiveClient;
  state: ConnectionState;
  /** The server refused the key (`invalid_secret_key`, close code 4401): sign in again. */
  refused: boolean;
}

/**
 * One `/v1/live` connection per signed-in key, to the server that served the page. The client
 * reconnects with backoff and resubscribes by itself; this hook only mirrors its state for the
 * badge and notices a refused key.
 */
export function useLiveConnection(key: string): LiveConnection {
  const [client] = useState(() => new LiveClient({ url: window.location.origin, key }));
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
