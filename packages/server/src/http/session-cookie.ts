import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';

/**
 * The dashboard's sign-in cookie. Over https it is named `__Host-…`: browsers then accept it only
 * Secure, for this host, with Path=/, so no sibling subdomain or plain-http page can plant one.
 */
const COOKIE_NAME = 'sightline_session';
const SECURE_COOKIE_NAME = `__Host-${COOKIE_NAME}`;

/** Whether the browser reached us over https: directly, or through a proxy that says so. */
export function cameOverHttps(req: IncomingMessage): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted) return true;
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  return proto?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/** The sign-in cookie's value, if the request carries one. */
export function sessionCookieOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const cookies = parseCookie(header);
  // Over https only the __Host- cookie counts: a plain one may have been planted.
  return (cameOverHttps(req) ? cookies[SECURE_COOKIE_NAME] : cookies[COOKIE_NAME]) || undefined;
}

/**
 * Sets the cookie: HttpOnly (page scripts never see it), SameSite=Strict (no other site's page
 * makes the browser send it), Path=/ (the API and the live socket), Secure over https.
 */
export function setSessionCookie(
  req: IncomingMessage,
  res: ServerResponse,
  value: string,
  expiresAt: number,
): void {
  const secure = cameOverHttps(req);
  res.appendHeader(
    'set-cookie',
    stringifySetCookie(secure ? SECURE_COOKIE_NAME : COOKIE_NAME, value, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure,
      maxAge: Math.max(0, Math.round((expiresAt - Date.now()) / 1000)),
    }),
  );
}

/** Tells the browser to drop the cookie. */
export function clearSessionCookie(req: IncomingMessage, res: ServerResponse): void {
  const secure = cameOverHttps(req);
  res.appendHeader(
    'set-cookie',
    stringifySetCookie(secure ? SECURE_COOKIE_NAME : COOKIE_NAME, '', {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure,
      maxAge: 0,
    }),
  );
}

/**
 * Whether a request came from this server's own pages, by its Origin (which browsers always send on
 * WebSocket handshakes and page scripts cannot change) against the host it was sent to. No Origin:
 * not a browser page. The live socket takes the cookie only from its own origin: WebSockets have
 * no CORS, and SameSite=Strict still lets other origins of the same site (another port) send it.
 */
export function fromOwnOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = req.headers['x-forwarded-host'];
  const forwardedHost = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return originHost === req.headers.host || (forwardedHost !== undefined && originHost === forwardedHost);
}
