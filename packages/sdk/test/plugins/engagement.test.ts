// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENGAGEMENT_INTERVAL_MS } from '../../src/plugins/engagement.js';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

const fire = (type: string, times: number) => {
  for (let i = 0; i < times; i++) document.dispatchEvent(new Event(type, { bubbles: true }));
};

describe('engagement', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers();
  });
  afterEach(() => {
    shutdownClients();
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('summarises mouse, scroll and click activity every 30 s, only when non-zero', async () => {
    const server = stubFetch();
    const client = startClient({ engagement: true });
    fire('mousemove', 7);
    fire('scroll', 3);
    fire('click', 2);
    await vi.advanceTimersByTimeAsync(ENGAGEMENT_INTERVAL_MS - 1);
    expect(server.named('engagement_summary')).toHaveLength(0);
    vi.spyOn(performance, 'now').mockReturnValue(30_000.4);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(ENGAGEMENT_INTERVAL_MS * 3);
    fire('click', 1);
    await vi.advanceTimersByTimeAsync(ENGAGEMENT_INTERVAL_MS);
    await client.flush();
    expect(server.named('engagement_summary').map((e) => e.properties)).toMatchObject([
      { mouse_movements: 7, scroll_events: 3, click_events: 2, time_on_page: 30_000 },
      { mouse_movements: 0, scroll_events: 0, click_events: 1 },
    ]);
  });

  it('sends the last summary on pagehide', () => {
    const server = stubFetch();
    startClient({ engagement: true });
    fire('mousemove', 2);
    window.dispatchEvent(new Event('pagehide'));
    const sent = server.beaconed();
    expect(sent.map((e) => e.event)).toEqual(['engagement_summary']);
    expect(sent[0]!.properties).toMatchObject({ mouse_movements: 2, scroll_events: 0, click_events: 0 });
  });

  it('honours engagementInterval', async () => {
    const server = stubFetch();
    startClient({ engagement: true, engagementInterval: 5000 });
    fire('click', 1);
    await vi.advanceTimersByTimeAsync(6000);
    expect(server.named('engagement_summary')).toHaveLength(1);
  });
});
