import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../../src/storage/engine.js';
import { ev, openTestEngine, processAll, storedOutputs, T0 } from '../processor/support.js';

/** The factors of each user_at_risk insight of one session, in order. */
async function insightFactors(engine: StorageEngine, sessionId: string): Promise<string[][]> {
  return (await storedOutputs(engine)).insights
    .filter((i) => i['insight_type'] === 'user_at_risk' && i['session_id'] === sessionId)
    .map((i) => (i['data'] as { risk_factors: string[] }).risk_factors);
}

describe('overlapping factors are decided once', () => {
  let engine: StorageEngine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('a rage-click burst is one rage_click insight, not also rapid clicking', async () => {
    ({ engine } = await openTestEngine());
    // Six clicks 200 ms apart on one spot; the SDK (or posthog-js) reports the burst itself right
    // after its third click, in the order it happened.
    const burst = (sessionId: string, positions: boolean, clientEvent: string | null) =>
      Array.from({ length: 6 }, (_, i) => [
        ev('user_click', T0 + i * 200, positions ? { click_x: 100, click_y: 100 } : {}, {
          session_id: sessionId,
        }),
        ...(i === 2 && clientEvent ? [ev(clientEvent, T0 + i * 200, {}, { session_id: sessionId })] : []),
      ]).flat();
    await processAll(engine, [
      ...burst('s-positions', true, null),
      ...burst('s-sdk', true, 'rage_click'),
      ...burst('s-posthog-no-positions', false, '$rageclick'),
    ]);
    for (const sessionId of ['s-positions', 's-sdk', 's-posthog-no-positions'])
      expect(await insightFactors(engine, sessionId), sessionId).toEqual([['rage_click']]);
  });

  it('quick clicks spread over the page are rapid clicking, not a rage click', async () => {
    ({ engine } = await openTestEngine());
    await processAll(
      engine,
      Array.from({ length: 6 }, (_, i) => ev('user_click', T0 + i * 200, { click_x: i * 300, click_y: 100 })),
    );
    expect(await insightFactors(engine, 'sess-a')).toEqual([['rapid_clicking']]);
  });
});
