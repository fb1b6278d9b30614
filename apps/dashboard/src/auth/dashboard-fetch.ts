import { DASHBOARD_REQUEST_HEADER } from '@sightline/schema/query-results';

/**
 * Every API call the dashboard makes: the sign-in cookie goes along (same origin only), with the
 * header the server requires of cookie requests that change something (another site's page can
 * make a browser send the cookie, but not this header).
 */
export function dashboardFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set(DASHBOARD_REQUEST_HEADER, '1');
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  return fetch(path, { ...init, headers, credentials: 'same-origin' });
}

/** An answer's JSON, or an Error carrying the server's message and code. */
export async function jsonOrThrow<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as (T & { error?: string; message?: string }) | null;
  if (!res.ok || body === null) {
    throw new ApiCallError(body?.message ?? `the server answered ${res.status}`, res.status, body?.error);
  }
  return body;
}

export class ApiCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}
