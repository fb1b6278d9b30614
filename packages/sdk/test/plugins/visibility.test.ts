// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

function setHidden(hidden: boolean) {
  vi.spyOn(document, 'hidden', 'get').mockReturnValue(hidden);
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue(hidden ? 'hidden' : 'visible');
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
}

describe('visibility', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    shutdownClients();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('tracks tab_hidden and tab_visible with time_on_page', async () => {
    const server = stubFetch();
    const client = startClient({ visibility: true });
    vi.spyOn(performance, 'now').mockReturnValue(12_345.6);
    setHidden(true);
    vi.spyOn(performance, 'now').mockReturnValue(20_000);
    setHidden(false);
    await client.flush();
    expect(server.events().map((e) => [e.event, e.properties['time_on_page']])).toEqual([
      ['tab_hidden', 12_346],
      ['tab_visible', 20_000],
    ]);
  });

  it('does not report the hiding that comes with leaving the page', async () => {
    const server = stubFetch();
    const client = startClient({ visibility: true });
    window.dispatchEvent(new Event('pagehide'));
    setHidden(true);
    window.dispatchEvent(new Event('pageshow'));
    setHidden(false);
    await client.flush();
    expect(server.events().map((e) => e.event)).toEqual(['tab_visible']);
  });
});
