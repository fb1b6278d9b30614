// Web storage that never throws: private modes, disabled storage and full quotas fall back to memory,
// so the SDK keeps working (without persistence) instead of breaking the page.

type Area = 'localStorage' | 'sessionStorage';

const memory = new Map<string, string>();

export function getItem(key: string, area: Area = 'localStorage'): string | null {
  const fallback = memory.get(area + key);
  if (fallback !== undefined) return fallback;
  try {
    return window[area].getItem(key);
  } catch {
    return null;
  }
}

/** Returns false when the value only lives in memory. */
export function setItem(key: string, value: string, area: Area = 'localStorage'): boolean {
  try {
    window[area].setItem(key, value);
    memory.delete(area + key);
    return true;
  } catch {
    memory.set(area + key, value);
    return false;
  }
}

export function removeItem(key: string, area: Area = 'localStorage'): void {
  memory.delete(area + key);
  try {
    window[area].removeItem(key);
  } catch {}
}

export function getJSON<T>(key: string, area?: Area): T | undefined {
  try {
    return JSON.parse(getItem(key, area) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

export const setJSON = (key: string, value: unknown, area?: Area): boolean =>
  setItem(key, JSON.stringify(value), area);

const ONE_YEAR_S = 31_536_000;

export function getCookie(name: string): string | null {
  const match = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

export function setCookie(name: string, value: string): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the fallback must be synchronous; the Cookie Store API is async and not everywhere.
  document.cookie = `${name}=${encodeURIComponent(value)}; max-age=${ONE_YEAR_S}; path=/; SameSite=Lax`;
}
