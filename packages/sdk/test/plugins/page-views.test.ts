// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

describe('page views', () => {
  beforeEach(() => {
    localStorage.clear();
    history.replaceState(null, '', '/home');
    document.title = 'Home';
  });
  afterEach(() => {
    shutdownClients();
    vi.unstubAllGlobals();
  });

  it('tracks the first page and every SPA path change (pushState, replaceState, popstate)', async () => {
    const server = stubFetch();
    const client = startClient({ pageViews: true });
    history.pushState(null, '', '/videos?page=1');
    history.pushState(null, '', '/videos?page=2');
    history.replaceState(null, '', '/videos#top');
    history.replaceState(null, '', '/videos/42');
    history.pushState(null, '', '/home');
    history.replaceState(null, '', '/videos/42');
    window.dispatchEvent(new PopStateEvent('popstate'));
    history.replaceState(null, '', '/settings');
    window.dispatchEvent(new PopStateEvent('popstate'));
    await client.flush();
    expect(server.named('page_view').map((e) => [e.properties['path'], e.properties['title']])).toEqual([
      ['/home', 'Home'],
      ['/videos', 'Home'],
      ['/videos/42', 'Home'],
      ['/home', 'Home'],
      ['/videos/42', 'Home'],
      ['/settings', 'Home'],
    ]);
    expect(server.named('page_view')[1]!.properties['url']).toBe('http://localhost:3000/videos?page=1');
  });

  it('restores history methods when stopped and keeps them working', async () => {
    const original = history.pushState;
    stubFetch();
    startClient({ pageViews: true });
    expect(history.pushState).not.toBe(original);
    shutdownClients();
    expect(history.pushState).toBe(original);
    history.pushState({ n: 1 }, '', '/after');
    expect(location.pathname).toBe('/after');
    expect(history.state).toEqual({ n: 1 });
  });
});
