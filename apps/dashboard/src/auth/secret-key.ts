/**
 * Where the secret key lives in the browser: sessionStorage (gone when the tab closes), filled
 * from the sign-in form or from the `#key=<secret>` fragment of the link `npm start` prints. The
 * fragment never reaches the server or a Referer; it is removed from the address bar at once so
 * it does not stay in the history or in a screenshot.
 */
const STORAGE_KEY = 'sightline.secretKey';

export function readStoredKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled: the user signs in each time
  }
}

export function storeKey(key: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // Storage disabled: the key still works for this page's lifetime.
  }
}

export function forgetKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
}

/** Takes `#key=<secret>` out of the URL (keeping path and search) and returns the key, if any. */
export function takeKeyFromFragment(): string | null {
  const fragment = window.location.hash.replace(/^#/, '');
  if (!fragment) return null;
  const key = new URLSearchParams(fragment).get('key');
  if (key === null) return null;
  const { pathname, search } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${search}`);
  return key.trim() || null;
}

/** The key to start with: the fragment's (stored for reloads) or the one stored earlier. */
export function initialKey(): string | null {
  const fromFragment = takeKeyFromFragment();
  if (fromFragment) {
    storeKey(fromFragment);
    return fromFragment;
  }
  return readStoredKey();
}
