import { backoffDelay } from './core/backoff.js';
import type { Properties } from './types.js';

/** What the server pushes on `GET /v1/interventions` (SSE event `intervention`). */
export interface Intervention {
  id: string;
  action: string;
  insight_type?: string;
  risk_factors?: string[];
  message?: string;
}

export type InterventionHandler = (intervention: Intervention) => void;

export interface Interventions {
  /** Opens (or re-opens, for a new session) the stream. */
  connect(sessionId: string): void;
  close(): void;
  subscribe(handler: InterventionHandler): () => void;
  latest(): Intervention | undefined;
  shown(id: string, properties?: Properties): void;
  result(id: string, result: string, properties?: Properties): void;
}

/**
 * Listens for interventions with EventSource (which reconnects by itself after network errors);
 * when the server refuses the stream the browser gives up, so we reconnect with backoff ourselves.
 * Each intervention reaches the handlers once, even if a reconnect replays it.
 */
export function createInterventions(
  streamUrl: (sessionId: string) => string,
  track: (event: string, properties: Properties) => void,
): Interventions {
  const handlers = new Set<InterventionHandler>();
  const received = new Map<string, Intervention>();
  let source: EventSource | undefined;
  let sessionId: string | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let last: Intervention | undefined;

  const close = () => {
    clearTimeout(retry);
    source?.close();
    source = undefined;
  };

  const connect = (next: string) => {
    if ((source && next === sessionId) || typeof EventSource === 'undefined') return;
    close();
    sessionId = next;
    const stream = new EventSource(streamUrl(next));
    source = stream;
    stream.onopen = () => {
      attempt = 0;
    };
    stream.onerror = () => {
      if (stream.readyState !== 2 /* CLOSED */ || source !== stream) return;
      source = undefined;
      retry = setTimeout(() => connect(next), backoffDelay(++attempt));
    };
    stream.addEventListener('intervention', (event) => {
      let intervention: Intervention;
      try {
        intervention = JSON.parse((event as MessageEvent<string>).data);
      } catch {
        return;
      }
      if (!intervention?.id || received.has(intervention.id)) return;
      received.set(intervention.id, intervention);
      last = intervention;
      for (const handler of handlers) handler(intervention);
    });
  };

  const report = (event: string, id: string, properties?: Properties) =>
    track(event, { intervention_id: id, action: received.get(id)?.action, ...properties });

  return {
    connect,
    close,
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    latest: () => last,
    shown: (id, properties) => report('$intervention_shown', id, properties),
    result: (id, result, properties) => report('$intervention_result', id, { result, ...properties }),
  };
}
