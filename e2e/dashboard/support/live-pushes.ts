import type { Page } from 'playwright-core';

/** One `result` message of `/v1/live` as the page received it. */
export interface LivePush {
  /** Date.now() in the test process when the frame arrived. */
  at: number;
  value: unknown;
}

export interface LivePushes {
  /** Every result received so far for a query name, oldest first. */
  of(query: string): LivePush[];
}

/**
 * Records the live results the page receives, per query name, by watching its `/v1/live` WebSocket
 * frames (subscribe frames map the client's subscription ids to query names). Call before the page
 * navigates: the socket is opened once, at sign-in.
 */
export function recordLivePushes(page: Page): LivePushes {
  const queryById = new Map<string, string>();
  const pushes = new Map<string, LivePush[]>();
  const parse = (
    payload: string | Buffer,
  ): { type?: string; id?: string; query?: string; value?: unknown } => {
    try {
      return JSON.parse(payload.toString()) as ReturnType<typeof parse>;
    } catch {
      return {};
    }
  };
  page.on('websocket', (socket) => {
    if (!socket.url().endsWith('/v1/live')) return;
    socket.on('framesent', ({ payload }) => {
      const message = parse(payload);
      if (message.type === 'subscribe' && message.id && message.query)
        queryById.set(message.id, message.query);
    });
    socket.on('framereceived', ({ payload }) => {
      const message = parse(payload);
      if (message.type !== 'result' || !message.id) return;
      const query = queryById.get(message.id);
      if (!query) return;
      const list = pushes.get(query) ?? [];
      list.push({ at: Date.now(), value: message.value });
      pushes.set(query, list);
    });
  });
  return { of: (query) => pushes.get(query) ?? [] };
}
