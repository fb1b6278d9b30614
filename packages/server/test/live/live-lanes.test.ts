import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { type LaneRelease, LiveLanes } from '../../src/live/live-lanes.js';

const never = () => new AbortController().signal;

describe('LiveLanes', () => {
  it("runs one of a project's live computations at a time, oldest waiting first; projects do not wait for each other", async () => {
    const lanes = new LiveLanes({ costFactor: 4, contended: () => false });
    const order: string[] = [];
    const take = (project: string, name: string) =>
      lanes.turn(project, never()).then((release) => {
        order.push(name);
        return release;
      });
    const a1 = take('A', 'a1');
    const a2 = take('A', 'a2');
    const a3 = take('A', 'a3');
    const b1 = take('B', 'b1');
    await sleep(10);
    expect(order).toEqual(['a1', 'b1']);
    (await a1)(50);
    await sleep(10);
    // Alone on the engine: no rest after a1.
    expect(order).toEqual(['a1', 'b1', 'a2']);
    (await a2)(50);
    (await a3)(50);
    (await b1)(50);
  });

  it('while other projects use the engine, a run of d ms is followed by a rest of costFactor·d', async () => {
    let contended = true;
    const lanes = new LiveLanes({ costFactor: 4, contended: () => contended });
    const first = await lanes.turn('A', never());
    const released = performance.now();
    first(60);
    const second = await lanes.turn('A', never());
    const rested = performance.now() - released;
    expect(rested).toBeGreaterThanOrEqual(235);
    contended = false;
    second(60);
    const started = performance.now();
    const third = await lanes.turn('A', never());
    expect(performance.now() - started).toBeLessThan(100);
    third(0);
    console.log(`[live lanes] rest after a 60 ms run under contention: ${rested.toFixed(0)} ms`);
  });

  it('a computation that stops while waiting leaves the lane with its reason', async () => {
    const lanes = new LiveLanes({ costFactor: 4, contended: () => false });
    const running = await lanes.turn('A', never());
    const stop = new AbortController();
    const waiting = lanes.turn('A', stop.signal);
    const next = lanes.turn('A', never());
    const reason = new Error('unsubscribed');
    stop.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    running(10);
    running(10);
    const release: LaneRelease = await next;
    release(10);
    await expect(lanes.turn('A', stop.signal)).rejects.toBe(reason);
  });
});
