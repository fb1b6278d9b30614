// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ROUTE_REPORT_DELAY_MS } from '../../src/plugins/performance.js';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

type Entry = Record<string, unknown>;

/** A PerformanceObserver the test feeds by hand: `emit` delivers, `queue` holds entries for takeRecords. */
class FakeObserver {
  static supportedEntryTypes = ['paint', 'largest-contentful-paint', 'layout-shift', 'event', 'first-input'];
  static active = new Map<string, FakeObserver>();
  private pending: Entry[] = [];
  constructor(private readonly callback: (list: { getEntries(): Entry[] }) => void) {}
  observe(options: { type: string }) {
    FakeObserver.active.set(options.type, this);
  }
  takeRecords() {
    return this.pending.splice(0);
  }
  disconnect() {
    for (const [type, observer] of FakeObserver.active)
      if (observer === this) FakeObserver.active.delete(type);
  }
  static emit(type: string, entries: Entry[]) {
    FakeObserver.active.get(type)?.callback({ getEntries: () => entries });
  }
  static queue(type: string, entries: Entry[]) {
    FakeObserver.active.get(type)?.pending.push(...entries);
  }
}

const NAVIGATION = {
  fetchStart: 10,
  responseStart: 180,
  domInteractive: 900,
  domContentLoadedEventEnd: 1210,
  loadEventEnd: 2510,
};

/** The clock of the performance timeline, moved by the test: route changes start at its value. */
let now = 0;
const hide = () => {
  vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
};
const show = () => {
  vi.spyOn(document, 'hidden', 'get').mockReturnValue(false);
  document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
};
const click = (id: number, startTime: number, duration: number) => ({
  interactionId: id,
  startTime,
  duration,
});

describe('web vitals of a single-page app', () => {
  beforeEach(() => {
    localStorage.clear();
    history.replaceState(null, '', '/home');
    now = 3000;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.stubGlobal('PerformanceObserver', FakeObserver);
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    vi.spyOn(performance, 'getEntriesByType').mockImplementation((type: string) =>
      type === 'navigation' ? ([NAVIGATION] as unknown as PerformanceEntryList) : [],
    );
  });
  afterEach(() => {
    shutdownClients();
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('gives each route its own page view: no load vitals, its own INP and CLS', async () => {
    const server = stubFetch();
    const client = startClient({ performance: true, pageViews: true });
    FakeObserver.emit('paint', [{ name: 'first-contentful-paint', startTime: 400 }]);
    FakeObserver.emit('largest-contentful-paint', [{ startTime: 1200 }]);
    FakeObserver.emit('layout-shift', [{ startTime: 1300, value: 0.05 }]);
    await vi.advanceTimersByTimeAsync(10);
    FakeObserver.emit('event', [click(1, 2000, 90)]);

    // A click at 5000 changes the route; its entry arrives after the next paint, i.e. after pushState.
    now = 5010;
    history.pushState(null, '', '/videos');
    FakeObserver.emit('event', [click(2, 5000, 320)]);
    // Content of the new route paints and shifts: none of it is the document's load.
    FakeObserver.emit('largest-contentful-paint', [{ startTime: 5400 }]);
    FakeObserver.emit('layout-shift', [{ startTime: 5500, value: 0.3 }]);
    FakeObserver.emit('event', [click(3, 7000, 48)]);
    await vi.advanceTimersByTimeAsync(ROUTE_REPORT_DELAY_MS - 1);
    await client.flush();
    expect(server.named('web_vitals')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await client.flush();

    const [home] = server.named('web_vitals');
    expect(home!.properties).toMatchObject({ path: '/home', url: 'http://localhost:3000/home' });
    expect(home!.properties).toMatchObject({ lcp: 1200, fcp: 400, ttfb: 180, cls: 0.05, inp: 320 });

    hide();
    await client.flush();
    const [, videos] = server.named('web_vitals');
    expect(videos!.properties).toMatchObject({
      path: '/videos',
      url: 'http://localhost:3000/videos',
      cls: 0.3,
      inp: 48,
    });
    for (const load of ['lcp', 'fcp', 'ttfb']) expect(videos!.properties).not.toHaveProperty(load);

    // One id per page view: page_performance and the load's web_vitals share the first.
    const [performanceEvent] = server.named('page_performance');
    expect(performanceEvent!.properties).toMatchObject({ path: '/home', lcp: 1200 });
    const ids = [performanceEvent, home, videos].map((e) => e!.properties['page_view_id']);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[1]);
    expect(server.named('page_view').map((e) => e.properties['path'])).toEqual(['/home', '/videos']);
    expect(server.named('web_vitals')).toHaveLength(2);
  });

  it('reports a page view again only when its values changed since the last report', async () => {
    const server = stubFetch();
    const client = startClient({ performance: true });
    FakeObserver.emit('event', [click(1, 3100, 60)]);
    hide();
    hide();
    show();
    await client.flush();
    expect(server.named('web_vitals').map((e) => e.properties['inp'])).toEqual([60]);
    FakeObserver.emit('event', [click(2, 3500, 480)]);
    hide();
    window.dispatchEvent(new Event('pagehide'));
    await client.flush();
    const reports = server.named('web_vitals');
    expect(reports.map((e) => e.properties['inp'])).toEqual([60, 480]);
    expect(new Set(reports.map((e) => e.properties['page_view_id'])).size).toBe(1);
  });

  it('follows back/forward, ignores query and hash changes, and reports a page view its late entries', async () => {
    const server = stubFetch();
    const client = startClient({ performance: true });
    now = 4000;
    history.pushState(null, '', '/home?tab=2#top');
    now = 6000;
    history.pushState(null, '', '/settings');
    await vi.advanceTimersByTimeAsync(ROUTE_REPORT_DELAY_MS);
    // An interaction of /home that finished painting late: sent with the next report of /home.
    FakeObserver.queue('event', [click(4, 5900, 1500)]);
    now = 9000;
    history.replaceState(null, '', '/home');
    window.dispatchEvent(new PopStateEvent('popstate'));
    FakeObserver.emit('layout-shift', [{ startTime: 9100, value: 0.12 }]);
    hide();
    await client.flush();
    expect(
      server
        .named('web_vitals')
        .map((e) => [e.properties['path'], e.properties['inp'] ?? null, e.properties['cls']]),
    ).toEqual([
      ['/home', null, 0],
      // The late interaction is 1.5 s: /home is sent again, as /settings is left.
      ['/home', 1500, 0],
      ['/settings', null, 0],
      ['/home', null, 0.12],
    ]);
    const ids = server.named('web_vitals').map((e) => e.properties['page_view_id']);
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(3);
  });
});
