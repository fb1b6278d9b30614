import { rangeFromParams, type TimeRange } from './time-range';
import { useUrlParams } from './url-state';

/** The time range chosen in the toolbar (kept in the URL). */
export function useRange(): TimeRange {
  const [params] = useUrlParams();
  return rangeFromParams(params);
}
