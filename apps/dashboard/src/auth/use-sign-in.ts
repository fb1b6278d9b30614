import type { SignInState } from '@sightline/schema/query-results';
import { useCallback, useEffect, useState } from 'react';
import {
  currentSession,
  type FragmentKey,
  isRefusedKey,
  signIn,
  signOut,
  signOutEverywhere,
  takeKeyFromFragment,
} from './session';

export type SignInStatus =
  | { state: 'checking' }
  | { state: 'signed-out'; error: string | null }
  /** `id` is new at each sign-in or re-check: the shell keyed by it opens a fresh live connection. */
  | { state: 'signed-in'; session: SignInState; id: number };

let signIns = 0;
const signedIn = (session: SignInState): SignInStatus => ({ state: 'signed-in', session, id: ++signIns });

const REFUSED_SECRET =
  'That key was not accepted. Use the secret key (sl_sec_…), not the public one (sl_pub_…), of this server.';
const REFUSED_SHARE =
  'That share link is not valid (revoked, or cut short when it was copied). Ask for a new one.';
const ENDED =
  'Your sign-in has ended: signed out in another window, expired, or its share link was revoked. Sign in again.';

const LIVE_REFUSED =
  'The server refused live updates for this sign-in. If it sits behind a proxy, the proxy must pass the Host header.';

/** Tabs of this browser tell each other they signed in or out, so every tab follows at once. */
const CHANNEL = 'sightline-sign-in';

function failure(error: unknown, kind: FragmentKey['kind']): string {
  if (isRefusedKey(error)) return kind === 'share' ? REFUSED_SHARE : REFUSED_SECRET;
  return `Could not sign in: ${(error as Error).message}`;
}

/**
 * The first check, made once per page load: a key in the address bar is exchanged for the cookie,
 * else the cookie (from an earlier sign-in, any tab) is asked about. Shared, so a second mount
 * (React's development double effects) never reads the fragment twice or races the sign-in.
 */
let startup: Promise<SignInStatus> | null = null;
function startupStatus(): Promise<SignInStatus> {
  startup ??= (async (): Promise<SignInStatus> => {
    const fragment = takeKeyFromFragment();
    try {
      if (fragment) return signedIn(await signIn(fragment.key));
      const session = await currentSession();
      return session ? signedIn(session) : { state: 'signed-out', error: null };
    } catch (error) {
      return { state: 'signed-out', error: failure(error, fragment?.kind ?? 'secret') };
    }
  })();
  return startup;
}

/** The dashboard's sign-in state and what changes it. */
export function useSignIn() {
  const [status, setStatus] = useState<SignInStatus>({ state: 'checking' });
  const [channel] = useState(() =>
    typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL),
  );

  /** Another tab signed in or out: asks the server who this browser is now. */
  const recheck = useCallback(async () => {
    try {
      const session = await currentSession();
      setStatus(session ? signedIn(session) : { state: 'signed-out', error: null });
    } catch (error) {
      setStatus({ state: 'signed-out', error: `Could not reach the server: ${(error as Error).message}` });
    }
  }, []);

  useEffect(() => {
    let mounted = true;
    void startupStatus().then((first) => mounted && setStatus(first));
    if (channel) channel.onmessage = () => void recheck();
    return () => {
      mounted = false;
      if (channel) channel.onmessage = null;
    };
  }, [channel, recheck]);

  const announce = useCallback(() => channel?.postMessage('changed'), [channel]);

  const submitKey = useCallback(
    async (key: string) => {
      try {
        setStatus(signedIn(await signIn(key)));
        announce();
      } catch (error) {
        setStatus({ state: 'signed-out', error: failure(error, 'secret') });
      }
    },
    [announce],
  );

  const leave = useCallback(
    async (everywhere: boolean) => {
      try {
        await (everywhere ? signOutEverywhere() : signOut());
        setStatus({ state: 'signed-out', error: null });
      } catch (error) {
        setStatus({ state: 'signed-out', error: `Signing out failed: ${(error as Error).message}` });
      }
      announce();
    },
    [announce],
  );

  /**
   * The live connection was refused: signed in again in another tab (a new cookie), or the sign-in
   * ended. The same sign-in still valid means the server refuses its live queries here (e.g. a
   * proxy that changes the Host): said so, rather than reconnecting in a loop.
   */
  const refused = useCallback(async (current: SignInState) => {
    try {
      const session = await currentSession();
      if (!session) setStatus({ state: 'signed-out', error: ENDED });
      else if (session.expires_at !== current.expires_at) setStatus(signedIn(session));
      else setStatus({ state: 'signed-out', error: LIVE_REFUSED });
    } catch (error) {
      setStatus({ state: 'signed-out', error: `Could not reach the server: ${(error as Error).message}` });
    }
  }, []);

  return { status, submitKey, signOut: () => leave(false), signOutEverywhere: () => leave(true), refused };
}
