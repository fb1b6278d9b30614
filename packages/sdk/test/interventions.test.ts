// @vitest-environment happy-dom
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Intervention } from '../src/index.js';
import { shutdownClients, startClient, stubFetch } from './support/capture.js';
import { NodeEventSource } from './support/node-event-source.js';

interface Stream {
  sessionId: string | null;
  apiKey: string | null;
  response: ServerResponse;
}

/** A tiny SSE endpoint shaped like the server's GET /v1/interventions. */
async function startInterventionServer() {
  const streams: Stream[] = [];
  let refusals = 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/v1/interventions') return void response.writeHead(404).end();
    if (refusals > 0) {
      refusals--;
      return void response
        .writeHead(503, { 'Content-Type': 'application/json' })
        .end('{"error":"shutting_down"}');
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    response.write(': connected\n\n');
    streams.push({
      sessionId: url.searchParams.get('session_id'),
      apiKey: url.searchParams.get('api_key'),
      response,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    streams,
    refuseNext(count: number) {
      refusals = count;
    },
    push(stream: Stream, intervention: Intervention) {
      stream.response.write(`event: intervention\ndata: ${JSON.stringify(intervention)}\n\n`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const HELP: Intervention = {
  id: 'int-1',
  action: 'help_prompt',
  insight_type: 'user_at_risk',
  risk_factors: ['rage_click'],
  message: 'Need a hand?',
};

describe('interventions', () => {
  let sse: Awaited<ReturnType<typeof startInterventionServer>>;
  beforeEach(async () => {
    localStorage.clear();
    vi.stubGlobal('EventSource', NodeEventSource);
    sse = await startInterventionServer();
  });
  afterEach(async () => {
    shutdownClients();
    vi.unstubAllGlobals();
    await sse.close();
  });

  it('listens for the session, delivers each intervention once, unsubscribes', async () => {
    stubFetch();
    const client = startClient({ host: sse.url, interventions: true });
    const received: Intervention[] = [];
    const unsubscribe = client.onIntervention((i) => received.push(i));
    await vi.waitFor(() => expect(sse.streams).toHaveLength(1));
    expect(sse.streams[0]).toMatchObject({ sessionId: client.getSessionId(), apiKey: 'pk_test' });

    sse.push(sse.streams[0]!, HELP);
    sse.push(sse.streams[0]!, HELP);
    await vi.waitFor(() => expect(received).toEqual([HELP]));
    expect(client.lastIntervention()).toEqual(HELP);

    unsubscribe();
    sse.push(sse.streams[0]!, { ...HELP, id: 'int-2' });
    await vi.waitFor(() => expect(client.lastIntervention()?.id).toBe('int-2'));
    expect(received).toHaveLength(1);
  });

  it('tracks shown and result with the intervention id and action', async () => {
    const server = stubFetch();
    const client = startClient({ host: sse.url, interventions: true });
    await vi.waitFor(() => expect(sse.streams).toHaveLength(1));
    sse.push(sse.streams[0]!, HELP);
    await vi.waitFor(() => expect(client.lastIntervention()).toBeDefined());
    client.interventionShown('int-1', { placement: 'modal' });
    client.interventionResult('int-1', 'accepted');
    await client.flush();
    expect(
      server.events().map((e) => [e.event, e.properties['intervention_id'], e.properties['action']]),
    ).toEqual([
      ['$intervention_shown', 'int-1', 'help_prompt'],
      ['$intervention_result', 'int-1', 'help_prompt'],
    ]);
    expect(server.events()[0]!.properties['placement']).toBe('modal');
    expect(server.events()[1]!.properties['result']).toBe('accepted');
  });

  it('reconnects after the server refused or dropped the stream', async () => {
    stubFetch();
    sse.refuseNext(1);
    const client = startClient({ host: sse.url, interventions: true });
    const received: Intervention[] = [];
    client.onIntervention((i) => received.push(i));
    await vi.waitFor(() => expect(sse.streams).toHaveLength(1), { timeout: 5000 });
    sse.streams[0]!.response.destroy();
    await vi.waitFor(() => expect(sse.streams).toHaveLength(2), { timeout: 5000 });
    sse.push(sse.streams[1]!, HELP);
    await vi.waitFor(() => expect(received).toEqual([HELP]));
  });

  it('re-opens the stream for a new session', async () => {
    stubFetch();
    const client = startClient({ host: sse.url, interventions: true });
    await vi.waitFor(() => expect(sse.streams).toHaveLength(1));
    const firstSession = client.getSessionId();
    client.reset();
    client.track('after_reset');
    await vi.waitFor(() => expect(sse.streams).toHaveLength(2));
    expect(sse.streams[1]!.sessionId).toBe(client.getSessionId());
    expect(sse.streams[1]!.sessionId).not.toBe(firstSession);
    expect(NodeEventSource.opened.filter((s) => s.readyState !== NodeEventSource.CLOSED)).toHaveLength(1);
  });

  it('stays closed while opted out and without the option', async () => {
    stubFetch();
    startClient({ host: sse.url });
    const optedOut = startClient({ host: sse.url, interventions: true, key: 'pk_out' });
    optedOut.optOut();
    optedOut.reset();
    optedOut.track('x');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sse.streams.filter((s) => !s.response.destroyed && s.apiKey === 'pk_out')).toHaveLength(0);
    expect(sse.streams.filter((s) => s.apiKey === 'pk_test')).toHaveLength(0);
  });
});
