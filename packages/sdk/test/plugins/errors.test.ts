// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_ERRORS_PER_PAGE } from '../../src/plugins/errors.js';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

function rejection(reason: unknown): Event {
  const event = new Event('unhandledrejection');
  Object.assign(event, { reason, promise: Promise.resolve() });
  return event;
}

describe('errors', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    shutdownClients();
    vi.unstubAllGlobals();
  });

  it('tracks window errors with message, stack, source and position', async () => {
    const server = stubFetch();
    const client = startClient({ errors: true });
    const error = new TypeError('x is undefined');
    window.dispatchEvent(
      new ErrorEvent('error', {
        error,
        message: error.message,
        filename: 'https://app/main.js',
        lineno: 3,
        colno: 7,
      }),
    );
    await client.flush();
    expect(server.named('error')[0]!.properties).toMatchObject({
      message: 'x is undefined',
      stack: error.stack,
      source: 'window.onerror',
      filename: 'https://app/main.js',
      lineno: 3,
      colno: 7,
    });
  });

  it('tracks unhandled rejections, Error or not', async () => {
    const server = stubFetch();
    const client = startClient({ errors: true });
    window.dispatchEvent(rejection(new Error('fetch failed')));
    window.dispatchEvent(rejection('plain reason'));
    await client.flush();
    expect(server.named('error').map((e) => [e.properties['message'], e.properties['source']])).toEqual([
      ['fetch failed', 'unhandledrejection'],
      ['plain reason', 'unhandledrejection'],
    ]);
    expect(server.named('error')[0]!.properties['stack']).toContain('fetch failed');
  });

  it('stops after MAX_ERRORS_PER_PAGE', async () => {
    const server = stubFetch();
    const client = startClient({ errors: true });
    for (let i = 0; i < MAX_ERRORS_PER_PAGE + 10; i++) window.dispatchEvent(rejection(new Error(`e${i}`)));
    await client.flush();
    expect(server.named('error')).toHaveLength(MAX_ERRORS_PER_PAGE);
  });
});
