import { describe, expect, it } from 'vitest';
import { ERROR_EVENTS } from '../../src/friction/error-encountered.js';
import { ProcessorHost } from '../../src/processor/worker/processor-host.js';
import { eventBatch, postEvents } from '../support/app.js';
import { appForFile, eventually } from './fixtures.js';

/**
 * The stream processor runs on its own thread (processor/worker/): if that thread dies, it is
 * started again and goes on from its checkpoint — insights keep coming, none twice.
 */
describe('a crashed processor thread', () => {
  const app = appForFile('processor-restart');

  const sendErrors = async (prefix: string, n: number) => {
    const events = Array.from({ length: n }, (_, i) => ({
      uuid: `${prefix}-${i}`,
      event: ERROR_EVENTS[1],
      distinct_id: `${prefix}-user`,
      session_id: `${prefix}-session-${i}`,
      timestamp: Date.now(),
      properties: { url: 'https://restart.test/checkout', $exception_message: 'boom' },
    }));
    const res = await postEvents(app(), eventBatch(app().keys.publicKey, events));
    expect(res.status).toBe(200);
  };

  const insightSessions = async (): Promise<string[]> => {
    const res = await fetch(`${app().url}/v1/query/insights`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app().keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time_range: '1h', factor: 'error_encountered', limit: 500 }),
    });
    const { insights } = (await res.json()) as { insights: Array<{ session_id: string }> };
    return insights.map((i) => i.session_id);
  };

  it('is started again and goes on from its checkpoint: every error gets its insight once', async () => {
    expect(app().processor).toBeInstanceOf(ProcessorHost);
    await sendErrors('before', 5);
    await eventually('insights before the crash', async () =>
      (await insightSessions()).length === 5 ? true : null,
    );
    await (app().processor as ProcessorHost).terminateThread();
    await sendErrors('after', 5);
    const sessions = await eventually('insights after the restart', async () => {
      const found = await insightSessions();
      return found.length >= 10 ? found : null;
    });
    expect(sessions.sort()).toEqual(
      [
        ...Array.from({ length: 5 }, (_, i) => `before-session-${i}`),
        ...Array.from({ length: 5 }, (_, i) => `after-session-${i}`),
      ].sort(),
    );
    await app().processor.drain();
    expect(app().processor.lastSeq).toBe(10);
  });
});
