import type { Route } from './context.js';

export type RouteMatch = { route: Route; params: Record<string, string> } | { allowed: string[] } | null;

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

function matchPath(pattern: string, path: string): Record<string, string> | null {
  if (!pattern.includes(':')) return pattern === path ? {} : null;
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    if (segment.startsWith(':')) {
      // A malformed escape (`%E0%A4%A`) matches nothing instead of throwing.
      const value = safeDecode(got[i]!);
      if (value === null) return null;
      params[segment.slice(1)] = value;
    } else if (segment !== got[i]) return null;
  }
  return params;
}

/** Finds the route for a method and path; reports the allowed methods when only the method is wrong. */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, path);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { allowed } : null;
}
