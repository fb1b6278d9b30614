import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InsightRecord } from '../../src/storage/processor-records.js';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  /** performance.now() when the request ended. */
  at: number;
}

/** How the receiver answers request number `n` (1-based); 'hang' never answers. */
export type Answer = (n: number, res: ServerResponse) => 'hang' | undefined;

/** A webhook receiver on 127.0.0.1:0 that records what it gets. */
export async function startReceiver(answer: Answer = (_n, res) => void res.writeHead(204).end()) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text), at: performance.now() });
      answer(received.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    received,
    /** Waits until `count` requests arrived (or throws after `timeoutMs`). */
    async waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`receiver got ${received.length} of ${count}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return received;
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Never answers (the connection stays open until the receiver closes). */
export const hang: Answer = () => 'hang';

let counter = 0;

/** An insight record as the processor commits it. */
export function insight(projectId: string, sessionId = `s-${++counter}`): InsightRecord {
  return {
    id: `ins_${projectId}_${sessionId}`,
    project_id: projectId,
    insight_type: 'user_at_risk',
    severity: 'high',
    session_id: sessionId,
    distinct_id: `d-${sessionId}`,
    status: 'open',
    data: { risk_factors: ['error_encountered'], recommended_actions: [], evidence: [] },
    generated_at: 1_700_000_000_000,
    created_at: 1_700_000_000_000,
    time_range: 'real_time',
    problem: 'user_at_risk:error_encountered:',
    factor: 'error_encountered',
  };
}

/** Polls `condition` every 5 ms until true (or throws after `timeoutMs`). */
export async function until(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
