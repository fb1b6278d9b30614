// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  RAGE_CLICK_MAX_DISTANCE_PX,
  RAGE_CLICK_MAX_INTERVAL_MS,
  RAGE_CLICK_MIN_CLICKS,
  RageClickDetector,
} from '../../src/plugins/rage-click.js';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

describe('RageClickDetector', () => {
  it('flags the third click within 30 px and 1 s of the previous one, once per burst', () => {
    const detector = new RageClickDetector();
    expect(detector.add(100, 100, 0)).toBe(0);
    expect(detector.add(110, 105, 300)).toBe(0);
    expect(detector.add(120, 110, 600)).toBe(RAGE_CLICK_MIN_CLICKS);
    expect(detector.add(121, 111, 800)).toBe(0);
  });

  it('ignores clicks too far apart in space or time', () => {
    const far = new RageClickDetector();
    far.add(0, 0, 0);
    far.add(RAGE_CLICK_MAX_DISTANCE_PX + 1, 0, 10);
    expect(far.add(RAGE_CLICK_MAX_DISTANCE_PX + 2, 0, 20)).toBe(0);

    const slow = new RageClickDetector();
    slow.add(0, 0, 0);
    slow.add(0, 0, RAGE_CLICK_MAX_INTERVAL_MS + 1);
    expect(slow.add(0, 0, 2 * RAGE_CLICK_MAX_INTERVAL_MS + 1)).toBe(0);
    expect(slow.add(0, 0, 2 * RAGE_CLICK_MAX_INTERVAL_MS + 2)).toBe(RAGE_CLICK_MIN_CLICKS);
  });
});

describe('rage clicks plugin', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers();
    document.body.innerHTML = '<div id="player"><button class="play">Play</button></div>';
  });
  afterEach(() => {
    shutdownClients();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('emits rage_click with click_count, position and selector', async () => {
    const server = stubFetch();
    const client = startClient({ rageClicks: true });
    const button = document.querySelector('button')!;
    for (const [x, delay] of [
      [50, 0],
      [52, 200],
      [55, 200],
      [56, 200],
    ] as const) {
      await vi.advanceTimersByTimeAsync(delay);
      button.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: 20 }));
    }
    await client.flush();
    expect(server.named('rage_click').map((e) => e.properties)).toMatchObject([
      { click_count: 3, x: 55, y: 20, selector: 'div#player > button.play' },
    ]);
  });
});
