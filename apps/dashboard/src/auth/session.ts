import type { SignInState } from '@sightline/schema/query-results';
import { ApiCallError, dashboardFetch, jsonOrThrow } from './dashboard-fetch';

/**
 * The dashboard's sign-in, held by the server: the key is exchanged once for an HttpOnly cookie
 * (`POST /v1/sign-in`), so no key is ever kept in the browser, and every tab of this browser is
 * signed in until it signs out or the sign-in expires.
 */

/** Who this browser is signed in as; null when it is not (or no longer). */
export async function currentSession(): Promise<SignInState | null> {
  const res = await dashboardFetch('/v1/session');
  if (res.status === 401) return null;
  return jsonOrThrow<SignInState>(res);
}

/** Exchanges a secret key (full access) or a share key (read-only) for the sign-in cookie. */
export async function signIn(key: string): Promise<SignInState> {
  return jsonOrThrow<SignInState>(
    await dashboardFetch('/v1/sign-in', { method: 'POST', body: JSON.stringify({ key }) }),
  );
}

export async function signOut(): Promise<void> {
  await jsonOrThrow(await dashboardFetch('/v1/sign-out', { method: 'POST' }));
}

/** Ends every sign-in of the project, in every browser (this one included). */
export async function signOutEverywhere(): Promise<void> {
  await jsonOrThrow(await dashboardFetch('/v1/sign-out-everywhere', { method: 'POST' }));
}

/** True when the server refused the key itself (not a network or server failure). */
export const isRefusedKey = (error: unknown): boolean =>
  error instanceof ApiCallError && (error.status === 401 || error.status === 403);

/** A key in the address bar: `#key=<secret>` (the link `npm start` prints) or `#share=<share key>`. */
export interface FragmentKey {
  key: string;
  kind: 'secret' | 'share';
}

/**
 * Takes `#key=` or `#share=` out of the URL at once (keeping path and search), so the key stays
 * in neither the history nor a screenshot, and returns it. The fragment never reaches the server
 * or a Referer.
 */
export function takeKeyFromFragment(): FragmentKey | null {
  const fragment = window.location.hash.replace(/^#/, '');
  if (!fragment) return null;
  const params = new URLSearchParams(fragment);
  const secret = params.get('key')?.trim();
  const share = params.get('share')?.trim();
  if (!secret && !share) return null;
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}`);
  return share ? { key: share, kind: 'share' } : { key: secret!, kind: 'secret' };
}

/** The link that opens the dashboard read-only with a share key. */
export const shareLink = (key: string): string =>
  `${window.location.origin}/#share=${encodeURIComponent(key)}`;
