// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scrollPercent } from '../../src/plugins/scroll-depth.js';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

function scrollTo(y: number) {
  Object.defineProperty(window, 'scrollY', { value: y, configurable: true });
  document.dispatchEvent(new Event('scroll'));
}

describe('scroll depth', () => {
  beforeEach(() => {
    localStorage.clear();
    history.replaceState(null, '', '/article');
    Object.defineProperty(document.documentElement, 'scrollHeight', { value: 3000, configurable: true });
    Object.defineProperty(window, 'innerHeight', { value: 1000, configurable: true });
  });
  afterEach(() => {
    shutdownClients();
    vi.unstubAllGlobals();
  });

  it('computes the percentage of the scrollable height', () => {
    expect(scrollPercent(0, 3000, 1000)).toBe(0);
    expect(scrollPercent(1000, 3000, 1000)).toBe(50);
    expect(scrollPercent(2000, 3000, 1000)).toBe(100);
    expect(scrollPercent(2500, 3000, 1000)).toBe(100);
    expect(scrollPercent(10, 800, 1000)).toBe(0);
  });

  it('reports 25/50/75/100 once each per page, including milestones jumped over', async () => {
    const server = stubFetch();
    const client = startClient({ scrollDepth: true });
    scrollTo(400);
    scrollTo(520);
    scrollTo(100);
    scrollTo(560);
    scrollTo(1600);
    scrollTo(2000);
    scrollTo(0);
    scrollTo(2000);
    await client.flush();
    expect(server.named('scroll_depth').map((e) => e.properties['scroll_percent'])).toEqual([
      25, 50, 75, 100,
    ]);

    history.pushState(null, '', '/next-article');
    scrollTo(600);
    await client.flush();
    expect(
      server.named('scroll_depth').map((e) => [e.properties['path'], e.properties['scroll_percent']]),
    ).toEqual([
      ['/article', 25],
      ['/article', 50],
      ['/article', 75],
      ['/article', 100],
      ['/next-article', 25],
    ]);
  });
});
