// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEAD_CLICK_TIMEOUT_MS } from '../../src/plugins/dead-click.js';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

const click = (selector: string) =>
  document
    .querySelector(selector)!
    .dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: 5, clientY: 6 }));

// MutationObserver callbacks are microtasks; real timers keep them in their natural order.
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('dead clicks', () => {
  beforeEach(() => {
    localStorage.clear();
    history.replaceState(null, '', '/page');
    document.body.innerHTML = `
      <button id="dead">Nothing</button>
      <button id="live">Opens</button>
      <button id="nav">Go</button>
      <label><input id="field"></label>
      <div id="panel"></div>`;
    document.querySelector('#live')!.addEventListener('click', () => {
      setTimeout(() => document.querySelector('#panel')!.append('opened'), 300);
    });
    document
      .querySelector('#nav')!
      .addEventListener('click', () => history.pushState(null, '', '/elsewhere'));
  });
  afterEach(() => {
    shutdownClients();
    vi.unstubAllGlobals();
  });

  it('reports a click that changed nothing within 1 s', async () => {
    const server = stubFetch();
    const client = startClient({ deadClicks: true });
    click('#dead');
    await wait(DEAD_CLICK_TIMEOUT_MS - 200);
    await client.flush();
    expect(server.named('dead_click')).toHaveLength(0);
    await wait(400);
    await client.flush();
    expect(server.named('dead_click').map((e) => e.properties)).toMatchObject([
      { selector: 'button#dead', x: 5, y: 6 },
    ]);
  });

  it('does not report clicks followed by a DOM change, a navigation, or on form fields', async () => {
    const server = stubFetch();
    const client = startClient({ deadClicks: true });
    click('#live');
    click('#nav');
    click('#field');
    await wait(DEAD_CLICK_TIMEOUT_MS + 200);
    await client.flush();
    expect(server.named('dead_click')).toHaveLength(0);
  });

  it('does not report clicks that lead away from the page', async () => {
    const server = stubFetch();
    const client = startClient({ deadClicks: true });
    click('#dead');
    window.dispatchEvent(new Event('pagehide'));
    await wait(DEAD_CLICK_TIMEOUT_MS + 100);
    await client.flush();
    expect(server.named('dead_click')).toHaveLength(0);
  });
});
