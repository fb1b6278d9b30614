/**
 * Session recordings (`/s/`, `$snapshot` events) are answered 200 and counted, never stored.
 * The count lives per server context (tests run several servers in one process) and is shown
 * by `GET /healthz` as `posthog_recording_events_dropped`.
 */
const droppedByServer = new WeakMap<object, number>();

export function countDroppedRecordings(server: object, events: number): void {
  if (events > 0) droppedByServer.set(server, (droppedByServer.get(server) ?? 0) + events);
}

export function droppedRecordings(server: object): number {
  return droppedByServer.get(server) ?? 0;
}
