import { useUrlParams } from '../../url-state';

/**
 * A panel's chosen tab, kept in the URL (`?pages=entry`) so a link shows the same tab; the first
 * option is the default and is left out of the URL. Switching replaces the history entry.
 */
export function useTabParam<T extends string>(name: string, options: readonly T[]): [T, (value: T) => void] {
  const [params, setParams] = useUrlParams();
  const current = params.get(name);
  const value = options.find((o) => o === current) ?? options[0]!;
  const set = (next: T) => setParams({ [name]: next === options[0] ? null : next }, true);
  return [value, set];
}
