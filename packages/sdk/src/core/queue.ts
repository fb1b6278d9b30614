import type { CapturedEvent } from '../types.js';
import { getJSON, removeItem, setJSON } from './storage.js';

/**
 * The offline queue: events wait in localStorage until the server acknowledged them, so a closed tab,
 * a crash or a network outage loses nothing; they are sent on reconnect or on the next page load.
 * Storage is the source of truth (read-modify-write), so tabs of one site never overwrite each other's events.
 */
export interface EventQueue {
  /** Appends, drops the oldest beyond the bound, returns the new length. */
  add(event: CapturedEvent): number;
  peek(count: number): CapturedEvent[];
  remove(uuids: string[]): void;
  clear(): void;
}

export function createQueue(key: string, maxSize: number): EventQueue {
  const load = () => getJSON<CapturedEvent[]>(key) ?? [];
  return {
    add(event) {
      const events = load();
      events.push(event);
      if (events.length > maxSize) events.splice(0, events.length - maxSize);
      setJSON(key, events);
      return events.length;
    },
    peek: (count) => load().slice(0, count),
    remove(uuids) {
      const acknowledged = new Set(uuids);
      setJSON(
        key,
        load().filter((event) => !acknowledged.has(event.uuid)),
      );
    },
    clear: () => removeItem(key),
  };
}
