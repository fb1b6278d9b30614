import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { journeysQuery } from '../../src/query/journeys.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import type { JourneyStepRecord } from '../../src/storage/processor-records.js';
import { makeBatch, makeJourney } from '../support/processor-records.js';
import { ENGINES, openTestEngine, runQuery } from './support.js';

const NOW = 10_000_000;
const steps = (...path: Array<[string, number]>): JourneyStepRecord[] => {
  let t = NOW - 60_000;
  return path.map(([step, duration]) => {
    t += duration;
    return { step, timestamp: t, duration, metadata: {} };
  });
};

describe.each(ENGINES)('journeys query on $name', (kind) => {
  let engine: StorageEngine;
  beforeAll(async () => {
    engine = await openTestEngine(kind);
    const started = NOW - 60_000;
    await engine.commitProcessorBatch(
      makeBatch({
        journeys: [
          makeJourney({
            id: 'j1',
            journey_name: 'video_upload',
            status: 'completed',
            steps: steps(['file_selected', 0], ['upload_started', 1000], ['upload_complete', 4000]),
            started_at: started,
            total_duration: 5000,
          }),
          makeJourney({
            id: 'j2',
            journey_name: 'video_upload',
            status: 'completed',
            steps: steps(['file_selected', 0], ['upload_started', 3000], ['upload_complete', 6000]),
            started_at: started,
            total_duration: 9000,
          }),
          makeJourney({
            id: 'j3',
            journey_name: 'video_upload',
            status: 'abandoned',
            steps: steps(['file_selected', 0], ['upload_started', 2000]),
            started_at: started,
            abandon_reason: 'timeout',
          }),
          makeJourney({
            id: 'j4',
            journey_name: 'video_upload',
            status: 'abandoned',
            steps: steps(['file_selected', 0]),
            started_at: started,
            abandon_reason: 'page_exit',
          }),
          makeJourney({
            id: 'j5',
            journey_name: 'checkout',
            status: 'active',
            steps: steps(['cart', 0]),
            started_at: started,
          }),
          makeJourney({ id: 'old', journey_name: 'checkout', started_at: NOW - 3 * 86_400_000 }),
          makeJourney({ id: 'other', project_id: 'p2', journey_name: 'video_upload', started_at: started }),
        ],
      }),
    );
  });
  afterAll(async () => {
    await engine.close();
  });

  it('summarises each journey name with per-step reach, abandons and durations', async () => {
    const { journeys } = await runQuery(engine, journeysQuery, 'p1', { time_range: '24h' }, NOW);
    expect(journeys).toEqual([
      {
        journey_name: 'checkout',
        started: 1,
        completed: 0,
        abandoned: 0,
        active: 1,
        completion_rate: 0,
        median_duration_ms: null,
        abandon_reasons: [],
        steps: [{ step: 'cart', reached: 1, abandoned: 0, median_duration_ms: null }],
      },
      {
        journey_name: 'video_upload',
        started: 4,
        completed: 2,
        abandoned: 2,
        active: 0,
        completion_rate: 0.5,
        median_duration_ms: 5000,
        abandon_reasons: [
          { reason: 'page_exit', count: 1 },
          { reason: 'timeout', count: 1 },
        ],
        steps: [
          { step: 'file_selected', reached: 4, abandoned: 1, median_duration_ms: null },
          { step: 'upload_started', reached: 3, abandoned: 1, median_duration_ms: 2000 },
          { step: 'upload_complete', reached: 2, abandoned: 0, median_duration_ms: 4000 },
        ],
      },
    ]);
  });

  it('filters by name and time range, and never shows another project', async () => {
    const checkout = await runQuery(
      engine,
      journeysQuery,
      'p1',
      { time_range: '7d', journey_name: 'checkout' },
      NOW,
    );
    expect(checkout.journeys.map((j) => [j.journey_name, j.started])).toEqual([['checkout', 2]]);
    const other = await runQuery(engine, journeysQuery, 'p2', { time_range: '24h' }, NOW);
    expect(other.journeys.map((j) => [j.journey_name, j.started])).toEqual([['video_upload', 1]]);
  });
});
