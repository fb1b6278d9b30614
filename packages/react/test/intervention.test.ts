// @vitest-environment happy-dom
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Intervention } from '@sightline/sdk';
import { act, createElement as h, useEffect } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shutdownClients, startClient, stubFetch } from '../../sdk/test/support/capture.js';
import { NodeEventSource } from '../../sdk/test/support/node-event-source.js';
import { SightlineProvider, useIntervention } from '../src/index.js';
import { render, unmountAll } from './support/render.js';

/** Shows the latest intervention as a button; clicking it accepts. */
function HelpPrompt() {
  const { intervention, shown, result } = useIntervention();
  useEffect(() => {
    if (intervention) shown({ placement: 'toast' });
  }, [intervention, shown]);
  if (!intervention) return null;
  return h('button', { type: 'button', onClick: () => result('accepted') }, intervention.message);
}

describe('useIntervention', () => {
  const streams: ServerResponse[] = [];
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/event-stream' });
    response.write(': open\n\n');
    streams.push(response);
  });
  let host = '';

  beforeEach(async () => {
    localStorage.clear();
    vi.stubGlobal('EventSource', NodeEventSource);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await unmountAll();
    shutdownClients();
    vi.unstubAllGlobals();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    streams.length = 0;
  });

  it('shows the latest intervention and reports shown (once) and the result', async () => {
    const capture = stubFetch();
    const client = startClient({ host, interventions: true });
    const view = await render(h(SightlineProvider, { client }, h(HelpPrompt)));
    await vi.waitFor(() => expect(streams).toHaveLength(1));
    expect(view.container.textContent).toBe('');

    const help: Intervention = {
      id: 'i-1',
      action: 'help_prompt',
      insight_type: 'user_at_risk',
      message: 'Stuck?',
    };
    await act(async () => {
      streams[0]!.write(`event: intervention\ndata: ${JSON.stringify(help)}\n\n`);
      await vi.waitFor(() => expect(client.lastIntervention()).toEqual(help));
    });
    expect(view.container.textContent).toBe('Stuck?');
    await act(async () => view.container.querySelector('button')!.click());
    expect(view.container.textContent).toBe('');

    await client.flush();
    expect(
      capture.events().map((e) => [e.event, e.properties['intervention_id'], e.properties['action']]),
    ).toEqual([
      ['$intervention_shown', 'i-1', 'help_prompt'],
      ['$intervention_result', 'i-1', 'help_prompt'],
    ]);
    expect(capture.events()[0]!.properties['placement']).toBe('toast');
    expect(capture.events()[1]!.properties['result']).toBe('accepted');
  });
});
