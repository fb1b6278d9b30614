import type { SessionTimelineResult, TimelineDetail, TimelineEvent } from '@sightline/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse, type SseStream } from '../../../../e2e/support/sse-client.js';
import type { RunningSightline } from '../../src/app.js';
import { isHeldOut } from '../../src/processor/intervention-rules.js';
import { eventBatch, postEvents, startTestApp } from '../support/app.js';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
/** What the SDK adds to every event (packages/sdk/README.md, Events); never shown on a row. */
const CONTEXT = {
  url: 'https://app.example/upload',
  path: '/upload',
  referrer: '',
  screen_width: 390,
  screen_height: 844,
  user_agent: IPHONE,
  $lib: 'sightline-js',
  $lib_version: '0.1.0',
};
/** posthog-js's element chain for a click on `<button id="buy" class="btn">Buy now</button>`. */
const ELEMENTS_CHAIN =
  'button.btn:attr__class="btn"attr__id="buy"nth-child="1"nth-of-type="1"text="Buy \\"now\\"; today";div.card:nth-child="2"';

const SESSION = Array.from({ length: 200 }, (_, i) => `story-${i}`).find((s) => !isHeldOut(s, 10))!;

describe('session_timeline reads like a story', () => {
  let app: RunningSightline;
  let sse: SseStream;
  const start = Date.now() - 60_000;
  let n = 0;
  const at = (offsetMs: number, event: string, properties: Record<string, unknown> = {}) => ({
    uuid: `story-${++n}`,
    event,
    distinct_id: 'visitor-1',
    session_id: SESSION,
    timestamp: start + offsetMs,
    properties: { ...CONTEXT, ...properties },
  });
  const send = async (events: unknown[]) => {
    expect((await postEvents(app, eventBatch(app.keys.publicKey, events))).status).toBe(200);
    await app.processor.drain();
  };
  const timeline = async (): Promise<SessionTimelineResult> => {
    const res = await fetch(`${app.url}/v1/query/session_timeline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: SESSION }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as SessionTimelineResult;
  };
  const only = (result: SessionTimelineResult, name: string): TimelineEvent => {
    const found = result.events.filter((e) => e.event === name);
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };
  const detailsOf = (result: SessionTimelineResult, name: string): TimelineDetail[] =>
    only(result, name).details;

  beforeAll(async () => {
    app = await startTestApp();
    // The page listens for interventions, as the SDK does, so the one the error triggers is delivered.
    sse = await openSse(
      `${app.url}/v1/interventions?session_id=${encodeURIComponent(SESSION)}&api_key=${app.keys.publicKey}`,
    );
    await send([
      at(0, 'page_view', { title: 'Upload a video' }),
      at(400, 'user_click', {
        element_tag: 'button',
        element_id: 'choose-file',
        element_class: 'btn',
        selector: '#choose-file',
        click_x: 190,
        click_y: 300,
      }),
      at(900, 'journey_started', { journey_name: 'video_upload', initial_step: 'file_selected' }),
      at(1000, 'file_selected', {
        file_name: 'holiday-2024.mp4',
        file_size: 12_582_912,
        file_type: 'video/mp4',
      }),
      at(1500, 'upload_started', {
        file_name: 'holiday-2024.mp4',
        file_size: 12_582_912,
        file_type: 'video/mp4',
      }),
      at(1600, 'journey_step', { journey_name: 'video_upload', step: 'upload_started', step_duration: 700 }),
      at(2500, 'upload_progress', {
        progress_percent: 40,
        bytes_loaded: 5_033_165,
        bytes_total: 12_582_912,
        estimated_remaining: 1500,
        elapsed_time: 1000,
      }),
      at(3000, 'error', {
        message: "TypeError: Cannot read properties of undefined (reading 'duration')",
        stack: 'TypeError: …\n    at analyse (https://app.example/assets/index.js:1:4242)',
        source: 'window.onerror',
        filename: 'https://app.example/assets/index.js',
        lineno: 1,
        colno: 4242,
      }),
      at(3500, 'upload_complete', { upload_duration: 2000, status: 200 }),
      at(3600, 'journey_step_review', { journey_name: 'video_upload' }),
      at(3700, 'journey_completed', { journey_name: 'video_upload', total_steps: 3, total_duration: 2800 }),
      at(3800, '$autocapture', { $event_type: 'click', $elements_chain: ELEMENTS_CHAIN }),
      at(3900, '$exception', {
        $exception_list: [
          {
            type: 'RangeError',
            value: 'Invalid array length',
            stacktrace: {
              frames: [
                { filename: 'https://app.example/vendor.js', lineno: 3, colno: 9 },
                { filename: 'https://app.example/player.js', lineno: 88, colno: 17 },
              ],
            },
          },
        ],
      }),
      at(4000, 'video_exported', { format: 'mp4', quality: 'hd', $browser: 'Safari', url: 'x' }),
      at(4100, 'journey_started', { journey_name: 'share', initial_step: 'pick' }),
      at(4200, 'journey_abandoned', {
        journey_name: 'share',
        abandon_step: 'pick',
        abandon_reason: 'closed',
      }),
    ]);
    // The intervention for the error is delivered over the open stream; the page then answers.
    const delivered = JSON.parse((await sse.next(10_000)).data) as { id: string; action: string };
    expect(delivered.action).toBe('offer_support');
    await send([
      at(3300, '$intervention_shown', { intervention_id: delivered.id, action: delivered.action }),
      at(5000, '$intervention_result', {
        intervention_id: delivered.id,
        action: delivered.action,
        result: 'accepted',
      }),
    ]);
  });
  afterAll(async () => {
    sse?.close();
    await app?.close();
  });

  it("says the session's browser, device and screen once, not on every row", async () => {
    const result = await timeline();
    expect(result.client).toEqual({
      browser: 'Mobile Safari',
      os: 'iOS',
      device: 'mobile',
      screen: '390×844',
    });
    for (const event of result.events)
      for (const detail of event.details)
        expect(['url', 'user_agent', 'screen_width', '$lib', '$browser']).not.toContain(detail.label);
    // Nothing renamed, nothing lost: the properties are there as sent.
    expect(only(result, 'page_view').properties).toMatchObject(CONTEXT);
  });

  it('shows what happened inline: the error, the element, the file, the upload and the journey', async () => {
    const result = await timeline();
    expect(detailsOf(result, 'page_view')).toEqual([
      { label: 'Page', value: '/upload' },
      { label: 'Title', value: 'Upload a video' },
    ]);
    expect(detailsOf(result, 'error')).toEqual([
      { label: 'Message', value: "TypeError: Cannot read properties of undefined (reading 'duration')" },
      { label: 'Source', value: 'window.onerror' },
      { label: 'At', value: 'https://app.example/assets/index.js:1:4242' },
    ]);
    expect(detailsOf(result, 'user_click')).toEqual([
      { label: 'Element', value: 'button#choose-file' },
      { label: 'Selector', value: '#choose-file' },
    ]);
    const file = [
      { label: 'File', value: 'holiday-2024.mp4' },
      { label: 'Size', value: 12_582_912, unit: 'bytes' },
      { label: 'Type', value: 'video/mp4' },
    ];
    expect(detailsOf(result, 'file_selected')).toEqual(file);
    expect(detailsOf(result, 'upload_started')).toEqual(file);
    expect(detailsOf(result, 'upload_progress')).toEqual([
      { label: 'Progress', value: 40, unit: 'percent' },
      { label: 'Sent', value: 5_033_165, unit: 'bytes' },
      { label: 'Remaining', value: 1500, unit: 'ms' },
    ]);
    expect(detailsOf(result, 'upload_complete')).toEqual([
      { label: 'Took', value: 2000, unit: 'ms' },
      { label: 'Status', value: 200 },
    ]);
    expect(detailsOf(result, 'journey_step')).toEqual([
      { label: 'Journey', value: 'video_upload' },
      { label: 'Step', value: 'upload_started' },
      { label: 'After', value: 700, unit: 'ms' },
    ]);
    expect(detailsOf(result, 'journey_step_review')).toEqual([
      { label: 'Journey', value: 'video_upload' },
      { label: 'Step', value: 'review' },
    ]);
    expect(detailsOf(result, '$intervention_result')).toEqual([
      { label: 'Action', value: 'offer_support' },
      { label: 'Result', value: 'accepted' },
    ]);
  });

  it("reads posthog-js's element chain and exception list, and an app's own event by its own properties", async () => {
    const result = await timeline();
    expect(detailsOf(result, '$autocapture')).toEqual([
      { label: 'Action', value: 'click' },
      { label: 'Element', value: 'button#buy' },
      { label: 'Text', value: 'Buy "now"; today' },
    ]);
    expect(detailsOf(result, '$exception')).toEqual([
      { label: 'Message', value: 'Invalid array length' },
      { label: 'Type', value: 'RangeError' },
      { label: 'At', value: 'https://app.example/player.js:88:17' },
    ]);
    expect(detailsOf(result, 'video_exported')).toEqual([
      { label: 'format', value: 'mp4' },
      { label: 'quality', value: 'hd' },
    ]);
  });

  it('marks friction and the intervention where they happened, with what became of the intervention', async () => {
    const result = await timeline();
    const error = only(result, 'error');
    expect(error.friction).toEqual(['error_encountered']);
    expect(only(result, 'upload_started').friction).toEqual([]);
    // A journey's abandonment cites its first and last event, but it is an insight of its own, not
    // friction of those events.
    const abandoned = result.insights.find((i) => i.insight_type === 'journey_abandoned')!;
    expect(abandoned.generated_at).toBe(only(result, 'journey_abandoned').timestamp);
    expect(only(result, 'journey_abandoned').friction).toEqual([]);
    for (const started of result.events.filter((e) => e.event === 'journey_started'))
      expect(started.friction).toEqual([]);

    // The $exception 900 ms later is within the factor's cooldown: no insight of its own, so no mark.
    expect(only(result, '$exception').friction).toEqual([]);
    const errorInsights = result.insights.filter((i) => i.data.risk_factors?.includes('error_encountered'));
    expect(errorInsights.map((i) => i.generated_at)).toEqual([error.timestamp]);
    const first = errorInsights[0]!;
    expect(result.interventions).toHaveLength(1);
    const [intervention] = result.interventions;
    expect(intervention).toMatchObject({
      insight_id: first.id,
      action: 'offer_support',
      risk_factors: ['error_encountered'],
      held_out: false,
      at: error.timestamp,
      shown_at: start + 3300,
      result: 'accepted',
      result_at: start + 5000,
    });
    expect(intervention!.delivered_at).toEqual(expect.any(Number));
  });
});
