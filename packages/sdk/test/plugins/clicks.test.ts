// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cssSelector } from '../../src/plugins/element.js';
import { shutdownClients, startClient, stubFetch } from '../support/capture.js';

const click = (element: Element, x = 10, y = 20) =>
  element.dispatchEvent(new MouseEvent('click', { bubbles: true, clientX: x, clientY: y }));

describe('clicks', () => {
  beforeEach(() => {
    localStorage.clear();
    document.body.innerHTML = `
      <main id="app"><section class="card  wide extra"><form>
        <input id="card-number" class="field" name="cc" value="4111 1111 1111 1111">
        <textarea class="notes">my private note</textarea>
        <button class="btn primary" type="button">Pay <b>now</b> secret-label</button>
      </form></section></main>`;
  });
  afterEach(() => {
    shutdownClients();
    vi.unstubAllGlobals();
  });

  it('builds short selectors from ids and the first classes', () => {
    expect(cssSelector(document.querySelector('button')!)).toBe(
      'main#app > section.card.wide > form > button.btn.primary',
    );
    expect(cssSelector(document.querySelector('input')!)).toBe('input#card-number');
    expect(cssSelector(document.body)).toBe('body');
  });

  it('tracks tag, id, class, position and selector', async () => {
    const server = stubFetch();
    const client = startClient({ clicks: true });
    click(document.querySelector('button')!, 120, 45);
    click(document.querySelector('b')!, 121, 46);
    await client.flush();
    const [button, bold] = server.named('user_click');
    expect(button!.properties).toMatchObject({
      element_tag: 'button',
      element_id: '',
      element_class: 'btn primary',
      click_x: 120,
      click_y: 45,
      selector: 'main#app > section.card.wide > form > button.btn.primary',
    });
    expect(bold!.properties['element_tag']).toBe('b');
  });

  it('never sends input values or text content', async () => {
    const server = stubFetch();
    const client = startClient({ clicks: true, rageClicks: true, deadClicks: true });
    for (const selector of ['input', 'textarea', 'button', 'b']) click(document.querySelector(selector)!);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.flush();
    const sent = JSON.stringify(server.events());
    expect(server.named('user_click')).toHaveLength(4);
    for (const secret of ['4111', 'private note', 'Pay', 'now', 'secret-label'])
      expect(sent).not.toContain(secret);
    expect(server.named('user_click')[0]!.properties).toMatchObject({
      element_tag: 'input',
      element_id: 'card-number',
    });
  });
});
