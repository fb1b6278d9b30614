// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RETRY_BASE_DELAY_MS } from '../src/core/backoff.js';
import { persistedQueue, shutdownClients, startClient, stubFetch } from './support/capture.js';

describe('batching and delivery', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1);
  });
  afterEach(() => {
    shutdownClients();
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('sends a full batch of 50 at once and the rest after the flush interval', async () => {
    const server = stubFetch();
    const client = startClient();
    await vi.advanceTimersByTimeAsync(0);
    for (let i = 0; i < 53; i++) client.track('e', { i });
    // The full batch goes at once; the drain then takes what is left instead of waiting.
    await vi.advanceTimersByTimeAsync(10);
    expect(server.requests.map((r) => r.body.batch.length)).toEqual([50, 3]);
    expect(server.events().map((e) => e.properties['i'])).toEqual([...Array(53).keys()]);
    expect(server.requests[0]!.url).toBe('https://sightline.test/v1/events');
    expect(server.requests[0]!.body).toMatchObject({ api_key: 'pk_test', sent_at: Date.now() - 10 });
    expect(persistedQueue()).toEqual([]);
  });

  it('honours batchSize and flushInterval', async () => {
    const server = stubFetch();
    const client = startClient({ batchSize: 2, flushInterval: 5000 });
    client.track('a');
    await vi.advanceTimersByTimeAsync(4000);
    expect(server.requests).toHaveLength(0);
    client.track('b');
    await vi.advanceTimersByTimeAsync(10);
    expect(server.requests.map((r) => r.body.batch.map((e) => e.event))).toEqual([['a', 'b']]);
    client.track('c');
    await vi.advanceTimersByTimeAsync(4999);
    expect(server.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.requests.map((r) => r.body.batch.map((e) => e.event))).toEqual([['a', 'b'], ['c']]);
  });

  it('retries 5xx, 429 and network errors with exponential backoff, same uuids, until a 200', async () => {
    const answers: Array<number | Error> = [503, 429, new TypeError('Failed to fetch'), 500, 200];
    const server = stubFetch((_r, index) => answers[index] ?? 200);
    const client = startClient();
    client.track('e');
    await vi.advanceTimersByTimeAsync(1000);
    const times = [Date.now()];
    for (const delay of [1, 2, 4, 8].map((n) => n * RETRY_BASE_DELAY_MS)) {
      await vi.advanceTimersByTimeAsync(delay - 1);
      expect(server.requests).toHaveLength(times.length);
      await vi.advanceTimersByTimeAsync(1);
      times.push(Date.now());
      expect(server.requests).toHaveLength(times.length);
    }
    expect(new Set(server.events().map((e) => e.uuid)).size).toBe(1);
    expect(persistedQueue()).toEqual([]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(server.requests).toHaveLength(5);
  });

  it('keeps unacknowledged events queued while retrying', async () => {
    stubFetch(() => 503);
    const client = startClient();
    client.track('e');
    await vi.advanceTimersByTimeAsync(1000);
    expect(persistedQueue().map((e) => e.event)).toEqual(['e']);
  });

  it('drops a batch refused with a 4xx (other than 429) and warns', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const server = stubFetch((_r, index) => (index === 0 ? 400 : 200));
    const client = startClient();
    client.track('bad');
    await vi.advanceTimersByTimeAsync(1000);
    client.track('good');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.requests.map((r) => r.body.batch.map((e) => e.event))).toEqual([['bad'], ['good']]);
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]![0]).toContain('HTTP 400');
  });

  it('splits a batch the server finds too large (413)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const server = stubFetch((request) => (request.body.batch.some((e) => e.event === 'huge') ? 413 : 200));
    const client = startClient({ batchSize: 4 });
    for (const name of ['a', 'b', 'huge', 'c']) client.track(name);
    await vi.advanceTimersByTimeAsync(10);
    expect(server.requests.map((r) => r.body.batch.map((e) => e.event))).toEqual([
      ['a', 'b', 'huge', 'c'],
      ['a', 'b'],
      ['huge', 'c'],
      ['huge'],
      ['c'],
    ]);
    expect(persistedQueue()).toEqual([]);
  });

  it('sends what an earlier page left unacknowledged on the next page load', async () => {
    const offline = stubFetch(() => new TypeError('offline'));
    const page1 = startClient();
    page1.track('from_page_1');
    await vi.advanceTimersByTimeAsync(1000);
    expect(offline.requests).toHaveLength(1);
    shutdownClients();

    const server = stubFetch();
    const page2 = startClient();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.events().map((e) => e.event)).toEqual(['from_page_1']);
    expect(server.events()[0]!.uuid).toBe(offline.events()[0]!.uuid);
    page2.track('from_page_2');
    await vi.advanceTimersByTimeAsync(1000);
    expect(server.events().map((e) => e.event)).toEqual(['from_page_1', 'from_page_2']);
  });

  it('sends at once when the browser comes back online, without waiting for the backoff', async () => {
    let online = false;
    const server = stubFetch(() => (online ? 200 : new TypeError('offline')));
    const client = startClient();
    for (let i = 0; i < 5; i++) client.track('e', { i });
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS);
    expect(server.requests).toHaveLength(2);
    online = true;
    window.dispatchEvent(new Event('online'));
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]!.body.batch).toHaveLength(5);
    expect(persistedQueue()).toEqual([]);
  });

  it('never sends an acknowledged event again', async () => {
    const server = stubFetch();
    const client = startClient();
    client.track('once');
    await client.flush();
    await client.flush();
    shutdownClients();
    startClient();
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.named('once')).toHaveLength(1);
  });

  it('flushes without compression when the page is hidden, and beacons the rest on pagehide', async () => {
    const server = stubFetch(() => new TypeError('offline'));
    const client = startClient({ compression: true });
    client.track('e1');
    vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests.map((r) => r.gzip)).toEqual([false]);
    client.track('e2');
    window.dispatchEvent(new Event('pagehide'));
    expect(server.beacons.map((b) => b.batch.map((e) => e.event))).toEqual([['e1', 'e2']]);
    // A beacon is never acknowledged: the events stay queued for the next page (the server dedupes by uuid).
    expect(persistedQueue().map((e) => e.event)).toEqual(['e1', 'e2']);
  });
});
