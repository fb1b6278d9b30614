// @vitest-environment happy-dom
import { createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shutdownClients, startClient, stubFetch } from '../../sdk/test/support/capture.js';
import { SightlineProvider, TrackingWrapper } from '../src/index.js';
import { render, unmountAll } from './support/render.js';

describe('TrackingWrapper', () => {
  beforeEach(() => {
    localStorage.clear();
    Object.defineProperty(document.documentElement, 'scrollHeight', { value: 2000, configurable: true });
    Object.defineProperty(window, 'innerHeight', { value: 1000, configurable: true });
  });
  afterEach(async () => {
    await unmountAll();
    shutdownClients();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('captures performance, clicks, scroll depth, visibility and engagement with video_id and user_id', async () => {
    const server = stubFetch();
    const client = startClient();
    const view = await render(
      h(
        SightlineProvider,
        { client },
        h(
          TrackingWrapper,
          { videoId: 'vid-9', userId: 'user-3' },
          h('button', { type: 'button', id: 'analyse' }, 'Analyse'),
        ),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    view.container.querySelector('button')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    Object.defineProperty(window, 'scrollY', { value: 600, configurable: true });
    document.dispatchEvent(new Event('scroll'));
    vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    await view.unmount();
    client.track('outside');
    await client.flush();

    const byName = (name: string) =>
      server.named(name).map((e) => [e.properties['video_id'], e.properties['user_id']]);
    for (const name of ['page_performance', 'user_click', 'tab_hidden', 'engagement_summary'])
      expect(byName(name), name).toEqual([['vid-9', 'user-3']]);
    expect(
      server.named('scroll_depth').map((e) => [e.properties['scroll_percent'], e.properties['video_id']]),
    ).toEqual([
      [25, 'vid-9'],
      [50, 'vid-9'],
    ]);
    expect(server.named('user_click')[0]!.properties['element_id']).toBe('analyse');
    // Unmounted: its plugins stopped, its properties gone.
    expect(byName('outside')).toEqual([[undefined, undefined]]);
  });

  it('updates the properties when the ids change without restarting capture', async () => {
    const server = stubFetch();
    const client = startClient();
    const tree = (videoId: string) => h(SightlineProvider, { client }, h(TrackingWrapper, { videoId }));
    const view = await render(tree('a'));
    client.track('first');
    await view.rerender(tree('b'));
    client.track('second');
    await client.flush();
    expect(
      server
        .events()
        .filter((e) => e.event !== 'page_performance')
        .map((e) => [e.event, e.properties['video_id']]),
    ).toEqual([
      ['first', 'a'],
      ['second', 'b'],
    ]);
  });
});
