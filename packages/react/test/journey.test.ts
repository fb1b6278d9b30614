// @vitest-environment happy-dom
import { act, createElement as h } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shutdownClients, startClient, stubFetch } from '../../sdk/test/support/capture.js';
import { SightlineProvider, type UserJourney, useUserJourney } from '../src/index.js';
import { render, unmountAll } from './support/render.js';

const T0 = Date.UTC(2030, 0, 1);

/** Renders the current step and hands every render's journey to the test. */
function JourneyView({ name, onRender }: { name: string; onRender: (journey: UserJourney) => void }) {
  const journey = useUserJourney(name);
  onRender(journey);
  return h('p', null, journey.currentStep || 'idle');
}

describe('useUserJourney', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers({ now: T0, toFake: ['Date'] });
  });
  afterEach(async () => {
    await unmountAll();
    shutdownClients();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('returns currentStep, journeySteps and startTime with start/move/complete, and re-renders on each step', async () => {
    const server = stubFetch();
    const client = startClient();
    const seen: UserJourney[] = [];
    const view = await render(
      h(
        SightlineProvider,
        { client },
        h(JourneyView, { name: 'video_upload', onRender: (j) => seen.push(j) }),
      ),
    );
    const journey = () => seen[seen.length - 1]!;
    expect(journey()).toMatchObject({ currentStep: '', journeySteps: [], startTime: undefined });

    await act(async () => journey().startJourney('file_selected', { file_size: 5 }));
    expect(view.container.textContent).toBe('file_selected');
    vi.setSystemTime(T0 + 1200);
    await act(async () => journey().moveToStep('upload_started'));
    expect(journey().currentStep).toBe('upload_started');
    expect(journey().startTime).toBe(T0);
    expect(journey().journeySteps).toEqual([
      { step: 'file_selected', timestamp: T0, metadata: { file_size: 5 } },
      { step: 'upload_started', timestamp: T0 + 1200, duration: 1200, metadata: undefined },
    ]);
    vi.setSystemTime(T0 + 3000);
    await act(async () => journey().completeJourney({ final_state: 'success' }));
    expect(view.container.textContent).toBe('idle');
    expect(journey().journeySteps).toEqual([]);

    await client.flush();
    expect(server.events().map((e) => e.event)).toEqual([
      'journey_started',
      'journey_step',
      'journey_completed',
    ]);
    expect(server.named('journey_completed')[0]!.properties).toMatchObject({
      journey_name: 'video_upload',
      total_steps: 2,
      total_duration: 3000,
      final_step: 'upload_started',
      journey_path: 'file_selected -> upload_started',
      final_state: 'success',
    });
  });

  it('shares one journey between components and keeps action identities stable', async () => {
    stubFetch();
    const client = startClient();
    const steps: Record<string, string> = {};
    const actions: UserJourney['moveToStep'][] = [];
    await render(
      h(
        SightlineProvider,
        { client },
        h(JourneyView, {
          name: 'checkout',
          onRender: (j) => {
            steps['a'] = j.currentStep;
            actions.push(j.moveToStep);
          },
        }),
        h(JourneyView, { name: 'checkout', onRender: (j) => (steps['b'] = j.currentStep) }),
      ),
    );
    await act(async () => client.startJourney('checkout', 'cart'));
    await act(async () => actions[actions.length - 1]!('payment'));
    expect(steps).toEqual({ a: 'payment', b: 'payment' });
    expect(new Set(actions).size).toBe(1);
    await act(async () => client.abandonJourney('checkout', 'user_cancelled'));
    expect(steps).toEqual({ a: '', b: '' });
  });
});
