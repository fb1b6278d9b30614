// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FIRST_PAINT_WAIT_MS } from '../../src/plugins/performance.js';
import { interactionToNextPaint } from '../../src/plugins/web-vitals.js';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

type Entry = Record<string, unknown>;

/** A PerformanceObserver the test feeds by hand. */
class FakeObserver {
  static supportedEntryTypes = [
    'paint',
    'largest-contentful-paint',
    'layout-shift',
    'event',
    'first-input',
    'navigation',
  ];
  static active = new Map<string, FakeObserver>();
  constructor(private readonly callback: (list: { getEntries(): Entry[] }) => void) {}
  observe(options: { type: string }) {
    FakeObserver.active.set(options.type, this);
  }
  private pending: Entry[] = [];
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
  /** Entries the browser has recorded but not yet delivered to the callback. */
  static queue(type: string, entries: Entry[]) {
    FakeObserver.active.get(type)?.pending.push(...entries);
  }
}

const NAVIGATION = {
  fetchStart: 10,
  responseStart: 180.4,
  domInteractive: 900,
  domContentLoadedEventEnd: 1210,
  loadEventEnd: 2510,
};

describe('web vitals', () => {
  it('takes the worst interaction as INP, skipping one outlier per 50', () => {
    expect(interactionToNextPaint([])).toBeUndefined();
    expect(interactionToNextPaint([40, 300, 120])).toBe(300);
    const many = Array.from({ length: 120 }, (_, i) => i);
    expect(interactionToNextPaint(many)).toBe(117);
  });
});

describe('performance plugin', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers();
    vi.stubGlobal('PerformanceObserver', FakeObserver);
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

  it('sends page_performance from Navigation Timing plus the vitals known at load', async () => {
    const server = stubFetch();
    const client = startClient({ performance: true });
    FakeObserver.queue('paint', [
      { name: 'first-paint', startTime: 300 },
      { name: 'first-contentful-paint', startTime: 350.2 },
    ]);
    FakeObserver.emit('largest-contentful-paint', [{ startTime: 800 }, { startTime: 1200.7 }]);
    await vi.advanceTimersByTimeAsync(50);
    await client.flush();
    const [event] = server.named('page_performance');
    expect(event!.properties).toMatchObject({
      page_load_time: 2500,
      dom_ready_time: 1200,
      time_to_interactive: 890,
      ttfb: 180,
      fcp: 350,
      lcp: 1201,
    });
  });

  it('waits for the first contentful paint after load, or gives up after FIRST_PAINT_WAIT_MS', async () => {
    const server = stubFetch();
    const client = startClient({ performance: true });
    await vi.advanceTimersByTimeAsync(1000);
    await client.flush();
    expect(server.named('page_performance')).toHaveLength(0);
    FakeObserver.emit('paint', [{ name: 'first-contentful-paint', startTime: 1100 }]);
    await vi.advanceTimersByTimeAsync(1);
    await client.flush();
    expect(server.named('page_performance').map((e) => e.properties['fcp'])).toEqual([1100]);

    shutdownClients();
    const unpainted = stubFetch();
    const next = startClient({ performance: true, key: 'pk_other' });
    await vi.advanceTimersByTimeAsync(FIRST_PAINT_WAIT_MS);
    await next.flush();
    expect(unpainted.named('page_performance')).toHaveLength(1);
  });

  it('sends the final web vitals once when the page is hidden, with its page view', async () => {
    const server = stubFetch();
    const client = startClient({ performance: true });
    await vi.advanceTimersByTimeAsync(50);
    FakeObserver.emit('layout-shift', [
      { startTime: 100, value: 0.05 },
      { startTime: 500, value: 0.1, hadRecentInput: true },
      { startTime: 900, value: 0.04 },
      { startTime: 4000, value: 0.02 },
    ]);
    FakeObserver.emit('event', [
      { interactionId: 1, duration: 80, startTime: 2000 },
      { interactionId: 1, duration: 120, startTime: 2000 },
      { interactionId: 2, duration: 64, startTime: 2500 },
      { interactionId: 0, duration: 900, startTime: 2600 },
    ]);
    FakeObserver.emit('largest-contentful-paint', [{ startTime: 1500 }]);
    vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    window.dispatchEvent(new Event('pagehide'));
    await client.flush();
    expect(server.named('page_performance')).toHaveLength(1);
    expect(server.named('web_vitals').map((e) => e.properties)).toMatchObject([
      { cls: 0.09, inp: 120, lcp: 1500, ttfb: 180, path: '/' },
    ]);
    const [load] = server.named('page_performance');
    expect(server.named('web_vitals')[0]!.properties['page_view_id']).toBe(load!.properties['page_view_id']);
    expect(load!.properties['page_view_id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports page_performance before web_vitals when the page is hidden before its first frame', async () => {
    const server = stubFetch();
    const client = startClient({ performance: true });
    vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    await vi.advanceTimersByTimeAsync(50);
    await client.flush();
    expect(server.events().map((e) => e.event)).toEqual(['page_performance', 'web_vitals']);
  });

  it('reports page_performance once per page even when enabled again', async () => {
    const server = stubFetch();
    const client = startClient();
    client.enable(['performance'])();
    client.enable(['performance']);
    await vi.advanceTimersByTimeAsync(FIRST_PAINT_WAIT_MS);
    await client.flush();
    expect(server.named('page_performance')).toHaveLength(1);
  });
});
