// @vitest-environment happy-dom
import { createSightline, type Sightline } from '@sightline/sdk';
import { createElement as h, StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PLUGINS_OFF, shutdownClients, stubFetch, TEST_OPTIONS } from '../../sdk/test/support/capture.js';
import { SightlineProvider, useSightline, useTrack } from '../src/index.js';
import { render, unmountAll } from './support/render.js';

/** Hands the provider's client to the test. */
function ClientProbe({ onClient }: { onClient: (client: Sightline) => void }) {
  onClient(useSightline());
  return null;
}

function CtaButton() {
  const track = useTrack();
  return h('button', { type: 'button', onClick: () => track('cta_clicked', { place: 'hero' }) }, 'Go');
}

/** Tracks while rendering: before the provider's effect has initialised the client. */
function TracksOnRender({ event }: { event: string }) {
  useTrack()(event);
  return null;
}

describe('SightlineProvider', () => {
  beforeEach(() => localStorage.clear());
  afterEach(async () => {
    await unmountAll();
    shutdownClients();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('creates and initialises a client from options; children track through useTrack', async () => {
    const server = stubFetch();
    let client: Sightline | undefined;
    const view = await render(
      h(
        SightlineProvider,
        { options: TEST_OPTIONS },
        h(CtaButton),
        h(TracksOnRender, { event: 'child_rendered' }),
        h(ClientProbe, { onClient: (c) => (client = c) }),
      ),
    );
    view.container.querySelector('button')!.click();
    await client!.flush();
    expect(server.events().map((e) => e.event)).toEqual(['child_rendered', 'cta_clicked']);
    expect(server.events()[1]!.properties['place']).toBe('hero');
    expect(server.requests[0]!.body.api_key).toBe('pk_test');

    await view.unmount();
    client!.track('after_unmount');
    await client!.flush();
    expect(server.events()).toHaveLength(2);
  });

  it('survives StrictMode double effects: one client, one session', async () => {
    const server = stubFetch();
    const clients = new Set<Sightline>();
    await render(
      h(
        StrictMode,
        null,
        h(
          SightlineProvider,
          { options: { ...TEST_OPTIONS, pageViews: true } },
          h(ClientProbe, { onClient: (c) => clients.add(c) }),
        ),
      ),
    );
    expect(clients.size).toBe(1);
    await [...clients][0]!.flush();
    // StrictMode mounts twice in development: init, shutdown, init. The second init may resend the
    // first page_view while its request is still unanswered (same uuid: the server drops the copy).
    const pageViews = server.named('page_view');
    expect(new Set(pageViews.map((e) => e.uuid)).size).toBe(2);
    expect(new Set(pageViews.map((e) => e.session_id)).size).toBe(1);
  });

  it('uses a given client and leaves its lifecycle to the owner', async () => {
    const server = stubFetch();
    const client = createSightline().init({ ...TEST_OPTIONS, ...PLUGINS_OFF });
    const view = await render(h(SightlineProvider, { client }, h(TracksOnRender, { event: 'from_child' })));
    await view.unmount();
    client.track('still_running');
    await client.flush();
    expect(server.events().map((e) => e.event)).toEqual(['from_child', 'still_running']);
    client.shutdown();
  });

  it('says clearly when a hook is used outside the provider', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(render(h(ClientProbe, { onClient: () => {} }))).rejects.toThrow(
      'useSightline must be used inside <SightlineProvider>',
    );
  });
});
