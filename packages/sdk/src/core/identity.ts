import { getCookie, getItem, removeItem, setCookie, setItem } from './storage.js';
import { uuidv7 } from './uuid.js';

/** The visitor's distinct_id, kept in localStorage with a cookie as fallback, and the opt-out flag. */
export interface Identity {
  distinctId(): string;
  set(distinctId: string): void;
  /** A new anonymous id. */
  reset(): void;
  optedOut(): boolean;
  setOptOut(out: boolean): void;
}

export function createIdentity(prefix: string): Identity {
  const idKey = `${prefix}id`;
  const optOutKey = `${prefix}opt_out`;
  const cookieName = idKey.replace(/\W/g, '_');
  let id = getItem(idKey) ?? getCookie(cookieName) ?? '';

  const set = (next: string) => {
    id = next;
    if (!setItem(idKey, next)) setCookie(cookieName, next);
  };
  if (!id) set(uuidv7());

  return {
    distinctId: () => id,
    set,
    reset: () => set(uuidv7()),
    optedOut: () => getItem(optOutKey) === '1',
    setOptOut: (out) => (out ? setItem(optOutKey, '1') : removeItem(optOutKey)),
  };
}
