// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { shutdownClients, startClient, stubFetch } from './support/capture.js';

const T0 = Date.UTC(2030, 0, 1, 12);

describe('journeys', () => {
  beforeEach(() => {
    localStorage.clear();
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    shutdownClients();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  const journeyProps = (server: ReturnType<typeof stubFetch>) =>
    server.events().map((e) => {
      const { url, path, referrer, screen_width, screen_height, $lib, $lib_version, ...own } = e.properties;
      return [e.event, own];
    });

  it('emits journey_started, journey_step and journey_completed with exact properties', async () => {
    const server = stubFetch();
    const client = startClient();
    client.startJourney('video_upload', 'file_selected', { file_size: 10 });
    vi.setSystemTime(T0 + 1500);
    client.moveToStep('video_upload', 'upload_started');
    vi.setSystemTime(T0 + 4000);
    client.moveToStep('video_upload', 'upload_complete', { bytes: 99 });
    vi.setSystemTime(T0 + 9000);
    client.completeJourney('video_upload', { final_state: 'success' });
    await client.flush();
    expect(journeyProps(server)).toEqual([
      ['journey_started', { journey_name: 'video_upload', initial_step: 'file_selected', file_size: 10 }],
      [
        'journey_step',
        {
          journey_name: 'video_upload',
          step: 'upload_started',
          previous_step: 'file_selected',
          step_duration: 1500,
          total_journey_time: 1500,
        },
      ],
      [
        'journey_step',
        {
          journey_name: 'video_upload',
          step: 'upload_complete',
          previous_step: 'upload_started',
          step_duration: 2500,
          total_journey_time: 4000,
          bytes: 99,
        },
      ],
      [
        'journey_completed',
        {
          journey_name: 'video_upload',
          total_steps: 3,
          total_duration: 9000,
          final_step: 'upload_complete',
          journey_path: 'file_selected -> upload_started -> upload_complete',
          final_state: 'success',
        },
      ],
    ]);
    expect(client.getJourney('video_upload')).toBeUndefined();
  });

  it('abandons with reason, step and path', async () => {
    const server = stubFetch();
    const client = startClient();
    client.startJourney('signup', 'form');
    vi.setSystemTime(T0 + 700);
    client.moveToStep('signup', 'verify');
    vi.setSystemTime(T0 + 2000);
    client.abandonJourney('signup', 'upload_error', { error_message: 'boom' });
    await client.flush();
    expect(journeyProps(server).at(-1)).toEqual([
      'journey_abandoned',
      {
        journey_name: 'signup',
        abandon_step: 'verify',
        abandon_reason: 'upload_error',
        total_duration: 2000,
        steps_completed: 2,
        journey_path: 'form -> verify',
        error_message: 'boom',
      },
    ]);
  });

  it('runs several journeys at once, keyed by name, and exposes their state', () => {
    stubFetch();
    const client = startClient();
    const changes = vi.fn();
    client.onJourneyChange(changes);
    client.startJourney('a', 'a1');
    client.startJourney('b', 'b1', { m: 1 });
    vi.setSystemTime(T0 + 100);
    client.moveToStep('a', 'a2');
    expect(client.getJourney('a')).toEqual({
      name: 'a',
      startTime: T0,
      currentStep: 'a2',
      steps: [
        { step: 'a1', timestamp: T0, metadata: undefined },
        { step: 'a2', timestamp: T0 + 100, duration: 100, metadata: undefined },
      ],
    });
    expect(client.getJourney('b')?.currentStep).toBe('b1');
    expect(changes).toHaveBeenCalledTimes(3);
  });

  it('starts a journey on a first moveToStep, ignores completing an unknown one', async () => {
    const server = stubFetch();
    const client = startClient();
    client.completeJourney('nothing');
    client.moveToStep('late', 'step_1');
    await client.flush();
    expect(journeyProps(server)).toEqual([
      ['journey_started', { journey_name: 'late', initial_step: 'step_1' }],
    ]);
  });

  it('abandons the running journey when it is started again', async () => {
    const server = stubFetch();
    const client = startClient();
    client.startJourney('j', 'one');
    client.startJourney('j', 'again');
    await client.flush();
    expect(
      server.events().map((e) => [e.event, e.properties['abandon_reason'] ?? e.properties['initial_step']]),
    ).toEqual([
      ['journey_started', 'one'],
      ['journey_abandoned', 'restarted'],
      ['journey_started', 'again'],
    ]);
  });

  it('abandons active journeys with reason page_exit on pagehide, sent by beacon', () => {
    const server = stubFetch(() => new TypeError('offline'));
    const client = startClient();
    client.startJourney('checkout', 'cart');
    vi.setSystemTime(T0 + 3000);
    window.dispatchEvent(new Event('pagehide'));
    const sent = server.beaconed();
    expect(sent.map((e) => e.event)).toEqual(['journey_started', 'journey_abandoned']);
    expect(sent[1]!.properties).toMatchObject({
      journey_name: 'checkout',
      abandon_step: 'cart',
      abandon_reason: 'page_exit',
      total_duration: 3000,
      steps_completed: 1,
      journey_path: 'cart',
    });
  });
});
