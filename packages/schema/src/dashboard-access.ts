/**
 * Dashboard access over HTTP (docs/API.md, Dashboard sign-in and share links): what the server
 * and the dashboard both name. Zod-free, so the dashboard bundle can import it.
 */

/** Read-only share keys start with this, so a key's power shows at a glance (and in a leak report). */
export const SHARE_KEY_PREFIX = 'sl_ro_';

/** Characters of a share key's label: a name for people ("board meeting", "support team"), not a document. */
export const MAX_SHARE_KEY_LABEL_LENGTH = 100;

/**
 * The header the dashboard sends with every request it makes with the sign-in cookie. A request
 * authenticated by the cookie that is not a GET must carry it: another site can make a browser
 * send the cookie (a form post from a sibling origin), but not add a custom header without a
 * CORS preflight, which the server never grants with credentials.
 */
export const DASHBOARD_REQUEST_HEADER = 'x-sightline-request';

/** `GET /v1/session`, `POST /v1/sign-in`: who the request is signed in as. */
export interface SignInState {
  project_id: string;
  project_name: string;
  /** Signed in with a share key (a share link): reads only. */
  read_only: boolean;
  /** When the cookie session ends (ms since epoch); null for a key sent with the request. */
  expires_at: number | null;
}

/** A share key as listed (`GET /v1/share-keys`): never the key itself, which is shown once. */
export interface ShareKeyInfo {
  id: string;
  label: string;
  created_at: number;
  /** When it was revoked; a revoked key opens nothing. */
  revoked_at: number | null;
}

/** `POST /v1/share-keys`: the new key, the only time it is ever sent. */
export interface CreatedShareKey extends ShareKeyInfo {
  key: string;
}
