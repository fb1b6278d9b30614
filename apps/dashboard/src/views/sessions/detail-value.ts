import type { TimelineDetail } from '@sightline/schema/query-results';
import { formatDuration } from '../../format';

const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** 12 582 912 → "12 MB" (1024-based, as file dialogs show sizes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? plain.format(value) : oneDecimal.format(value)} ${BYTE_UNITS[unit]}`;
}

/** A timeline detail as text, by the unit the server says the number is in. */
export function detailText({ value, unit }: TimelineDetail): string {
  if (typeof value !== 'number') return value;
  switch (unit) {
    case 'ms':
      return formatDuration(value);
    case 'bytes':
      return formatBytes(value);
    case 'percent':
      return `${oneDecimal.format(value)}%`;
    default:
      return plain.format(value);
  }
}
