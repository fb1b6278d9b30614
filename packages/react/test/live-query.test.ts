// @vitest-environment happy-dom
import type { AddressInfo } from 'node:net';
import { LiveClient } from '@sightline/client';
import type { TimeRange } from '@sightline/schema';
import { act, createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { LiveQueryProvider, useLiveQuery } from '../src/index.js';
import { render, unmountAll } from './support/render.js';

function Total({ range }: { range: TimeRange }) {
  const overview = useLiveQuery('overview', { time_range: range });
  return h('p', null, overview === undefined ? 'loading' : `${range}: ${overview.total_events}`);
}

describe('useLiveQuery', () => {
  let wss: WebSocketServer;
  let client: LiveClient;
  /** What the server answers per range, and its open sockets with their subscriptions. */
  const totals: Record<string, number> = { '1h': 3, '24h': 40 };
  const subscriptions: Array<{ send: (total: number) => void; range: string }> = [];

  beforeEach(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    wss.on('connection', (socket) => {
      socket.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; id: string; args: { time_range: string } };
        if (m.type === 'auth') socket.send(JSON.stringify({ type: 'ready' }));
        if (m.type !== 'subscribe') return;
        const send = (total: number) =>
          socket.send(JSON.stringify({ type: 'result', id: m.id, value: { total_events: total } }));
        subscriptions.push({ send, range: m.args.time_range });
        // Answer a little later, so the first render sees the loading state.
        setTimeout(() => send(totals[m.args.time_range] ?? 0), 20);
      });
    });
    await new Promise((resolve) => wss.once('listening', resolve));
    const port = (wss.address() as AddressInfo).port;
    client = new LiveClient({ url: `http://127.0.0.1:${port}`, key: 'sk_test', WebSocket });
  });
  afterEach(async () => {
    await unmountAll();
    client.close();
    subscriptions.length = 0;
    await new Promise((resolve) => wss.close(resolve));
  });

  const text = (container: HTMLElement) => container.textContent;
  const settle = async (container: HTMLElement, expected: string) => {
    for (let i = 0; i < 100 && text(container) !== expected; i++) {
      await act(async () => new Promise((r) => setTimeout(r, 10)));
    }
    return text(container);
  };

  it('is undefined while loading, then follows the pushed results and the arguments', async () => {
    const { container, rerender } = await render(h(LiveQueryProvider, { client }, h(Total, { range: '1h' })));
    expect(text(container)).toBe('loading');
    expect(await settle(container, '1h: 3')).toBe('1h: 3');

    await act(async () => subscriptions[0]?.send(4));
    expect(await settle(container, '1h: 4')).toBe('1h: 4');

    await rerender(h(LiveQueryProvider, { client }, h(Total, { range: '24h' })));
    expect(text(container)).toBe('loading');
    expect(await settle(container, '24h: 40')).toBe('24h: 40');
  });

  it('needs a provider', async () => {
    const original = console.error;
    console.error = () => undefined;
    try {
      await expect(render(h(Total, { range: '1h' }))).rejects.toThrow(/LiveQueryProvider/);
    } finally {
      console.error = original;
    }
  });
});
