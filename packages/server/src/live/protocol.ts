import { z } from 'zod';

/** Messages a `/v1/live` client sends (docs/API.md, "Live queries"). */
export const clientMessageSchema = z.discriminatedUnion('type', [
  // Without a key, the handshake's sign-in cookie authenticates (the dashboard).
  z.object({ type: z.literal('auth'), key: z.string().min(1).max(500).optional() }),
  z.object({
    type: z.literal('subscribe'),
    id: z.string().min(1).max(200),
    query: z.string().min(1).max(100),
    args: z.unknown().optional(),
  }),
  z.object({ type: z.literal('unsubscribe'), id: z.string().min(1).max(200) }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** `{ type: "result", id, value }` built around an already serialized value (shared by every subscriber). */
export function resultMessage(id: string, valueJson: string): string {
  return `{"type":"result","id":${JSON.stringify(id)},"value":${valueJson}}`;
}

export function errorMessage(error: string, message: string, id?: string): string {
  return JSON.stringify(
    id === undefined ? { type: 'error', error, message } : { type: 'error', id, error, message },
  );
}

/** Close codes in the application range (4000-4999). */
export const CLOSE_CODES = {
  unauthorized: 4401,
  authTimeout: 4408,
  /** The project has as many live connections as it may: the client retries later (with backoff). */
  rateLimited: 4429,
  protocol: 4400,
  shuttingDown: 1001,
} as const;
