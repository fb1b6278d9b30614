// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSightline, LIB_VERSION } from '../src/index.js';
import { persistedQueue, shutdownClients, startClient, stubFetch, TEST_OPTIONS } from './support/capture.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('client', () => {
  beforeEach(() => {
    localStorage.clear();
    // biome-ignore lint/suspicious/noDocumentCookie: expiring the SDK's fallback cookie, as the SDK writes it.
    document.cookie = 'sl_pk_test_id=; max-age=0; path=/';
    history.replaceState(null, '', '/start?x=1');
  });
  afterEach(() => {
    shutdownClients();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('sends events in the wire format with page context', async () => {
    const server = stubFetch();
    const client = startClient();
    client.track('signup_clicked', { plan: 'pro', url: 'overridden' });
    await client.flush();
    const [event] = server.events();
    expect(event).toEqual({
      uuid: expect.stringMatching(UUID_V7),
      event: 'signup_clicked',
      timestamp: expect.any(Number),
      distinct_id: client.getDistinctId(),
      session_id: client.getSessionId(),
      properties: {
        url: 'overridden',
        path: '/start',
        referrer: document.referrer,
        screen_width: screen.width,
        screen_height: screen.height,
        $lib: 'sightline-js',
        $lib_version: LIB_VERSION,
        plan: 'pro',
      },
    });
    expect(Math.abs(event!.timestamp - Date.now())).toBeLessThan(1000);
    expect(event!.distinct_id).toMatch(UUID_V7);
  });

  it('adds init properties and registered properties to every event', async () => {
    const server = stubFetch();
    const client = startClient({ properties: { app: 'demo' } });
    client.register({ video_id: 'v1', user_id: 'u1' });
    client.track('a');
    client.unregister('video_id');
    client.track('b', { app: 'own' });
    await client.flush();
    expect(
      server.events().map((e) => [e.properties['app'], e.properties['video_id'], e.properties['user_id']]),
    ).toEqual([
      ['demo', 'v1', 'u1'],
      ['own', undefined, 'u1'],
    ]);
  });

  it('keeps the distinct_id across page loads, in a cookie when localStorage is unavailable', () => {
    stubFetch();
    const first = startClient().getDistinctId();
    shutdownClients();
    expect(startClient().getDistinctId()).toBe(first);
    shutdownClients();

    localStorage.clear();
    // happy-dom's Storage is a proxy: spies on it must be restored by hand.
    const refuse = vi.spyOn(localStorage, 'setItem').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    try {
      const fromCookie = startClient({ key: 'pk_cookie' }).getDistinctId()!;
      expect(document.cookie).toContain(`sl_pk_cookie_id=${fromCookie}`);
    } finally {
      refuse.mockRestore();
    }
  });

  it('identify switches the distinct_id and links the anonymous one', async () => {
    const server = stubFetch();
    const client = startClient();
    const anonymous = client.getDistinctId();
    client.identify('user-42', { plan: 'pro' });
    client.track('after');
    await client.flush();
    expect(server.events().map((e) => [e.event, e.distinct_id])).toEqual([
      ['$identify', 'user-42'],
      ['after', 'user-42'],
    ]);
    expect(server.events()[0]!.properties).toMatchObject({
      $anon_distinct_id: anonymous,
      $set: { plan: 'pro' },
    });
  });

  it('reset gives a new anonymous id and a new session', () => {
    stubFetch();
    const client = startClient();
    const [id, session] = [client.getDistinctId(), client.getSessionId()];
    client.reset();
    expect(client.getDistinctId()).not.toBe(id);
    expect(client.getSessionId()).not.toBe(session);
  });

  it('optOut stops tracking and forgets the queue, across page loads, until optIn', async () => {
    const server = stubFetch(() => 503);
    const client = startClient();
    client.track('before');
    client.optOut();
    expect(persistedQueue()).toEqual([]);
    client.track('while_out');
    shutdownClients();
    const nextPage = startClient();
    expect(nextPage.isOptedOut()).toBe(true);
    nextPage.track('still_out');
    expect(persistedQueue()).toEqual([]);
    nextPage.optIn();
    nextPage.track('back');
    expect(persistedQueue().map((e) => e.event)).toEqual(['back']);
    expect(server.requests.flatMap((r) => r.body.batch).map((e) => e.event)).not.toContain('while_out');
  });

  it('keeps calls made before init, with the time they were made', async () => {
    const server = stubFetch();
    const client = createSightline();
    client.identify('early-user');
    client.track('early', { n: 1 }, { timestamp: 1_000 });
    client.startJourney('checkout', 'cart');
    expect(server.requests).toHaveLength(0);
    client.init(TEST_OPTIONS);
    await client.flush();
    expect(server.events().map((e) => [e.event, e.distinct_id])).toEqual([
      ['$identify', 'early-user'],
      ['early', 'early-user'],
      ['journey_started', 'early-user'],
    ]);
    expect(server.events()[1]!.timestamp).toBe(1_000);
    client.shutdown();
  });

  it('ignores a second init and can be initialised again after shutdown', async () => {
    const server = stubFetch();
    const client = createSightline();
    expect(client.init(TEST_OPTIONS)).toBe(client);
    client.init({ ...TEST_OPTIONS, key: 'other' });
    client.track('one');
    await client.flush();
    client.shutdown();
    client.track('buffered');
    client.init(TEST_OPTIONS);
    await client.flush();
    expect(server.requests.map((r) => [r.body.api_key, r.body.batch.map((e) => e.event)])).toEqual([
      ['pk_test', ['one']],
      ['pk_test', ['buffered']],
    ]);
    client.shutdown();
  });

  it('enable starts plugins that are off, and stops only those it started', async () => {
    const server = stubFetch();
    const client = startClient({ clicks: true });
    const stop = client.enable(['clicks', 'visibility']);
    document.body.click();
    vi.spyOn(document, 'hidden', 'get').mockReturnValue(true);
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    stop();
    document.body.click();
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    await client.flush();
    expect(server.events().map((e) => e.event)).toEqual(['user_click', 'tab_hidden', 'user_click']);
  });

  it('drains the pre-load stub of the script-tag snippet', async () => {
    const server = stubFetch();
    const stub: unknown[] = [];
    const w = window as unknown as { sightline: unknown };
    w.sightline = stub;
    stub.push(
      ['init', [TEST_OPTIONS], 5],
      ['track', ['queued', { a: 1 }], 1_234],
      ['register', [{ r: 2 }], 6],
    );
    vi.resetModules();
    await import('../src/iife.js');
    const client = w.sightline as ReturnType<typeof createSightline>;
    expect(typeof client.track).toBe('function');
    client.track('after_load');
    await client.flush();
    expect(
      server.events().map((e) => [e.event, e.timestamp === 1_234, e.properties['a'], e.properties['r']]),
    ).toEqual([
      ['queued', true, 1, undefined],
      ['after_load', false, undefined, 2],
    ]);
    client.shutdown();
  });
});
