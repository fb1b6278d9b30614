import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { DEFAULT_MAX_STREAMS_PER_CLIENT, fitStreamsToConnections } from '../../src/delivery/stream-limits.js';
import { fitToOpenFiles } from '../../src/http/connection-limits.js';
import { createProject, type ProjectKeys } from '../../src/projects/default-project.js';
import type { InterventionRecord } from '../../src/storage/processor-records.js';
import { eventBatch, postEvents } from '../support/app.js';
import {
  bodyOf,
  clientIp,
  latencyBound,
  openFrom,
  percentile,
  startLimitedApp,
  timeEach,
  waitFor,
} from './net-helpers.js';

const streamUrl = (app: RunningSightline, key: string, sessionId: string) =>
  `${app.url}/v1/interventions?session_id=${encodeURIComponent(sessionId)}&api_key=${encodeURIComponent(key)}`;

describe('SSE flood: one address past its stream cap', () => {
  let app: RunningSightline;
  let other: ProjectKeys;
  const streams: IncomingMessage[] = [];

  beforeAll(async () => {
    app = await startLimitedApp({});
    other = await createProject(app.engine, 'other', 'Other');
    await app.projects.reload();
  });
  afterAll(async () => {
    for (const s of streams) s.destroy();
    await app.close();
  });

  const capture = async () => {
    const body = eventBatch(other.publicKey, [{ uuid: randomUUID(), event: 'e', distinct_id: 'd' }]);
    expect((await postEvents(app, body)).status).toBe(200);
  };

  it("gets 429 past the per-address cap; the others keep their streams and another project's capture keeps its latency", async () => {
    await timeEach(10, capture); // warm-up
    const baseline = percentile(await timeEach(100, capture), 99);

    for (let i = 0; i < DEFAULT_MAX_STREAMS_PER_CLIENT; i++) {
      const res = await openFrom(streamUrl(app, app.keys.publicKey, `flood-${i}`), clientIp(2));
      expect(res.statusCode).toBe(200);
      streams.push(res);
    }
    const extra = await openFrom(streamUrl(app, app.keys.publicKey, 'flood-extra'), clientIp(2));
    expect(extra.statusCode).toBe(429);
    expect(extra.headers['retry-after']).toBe('30');
    expect(JSON.parse(await bodyOf(extra))).toMatchObject({ error: 'rate_limited' });
    // Another address still gets its stream.
    const elsewhere = await openFrom(streamUrl(app, app.keys.publicKey, 'elsewhere'), clientIp(3));
    expect(elsewhere.statusCode).toBe(200);
    streams.push(elsewhere);
    expect(app.interventions.openStreams).toBe(DEFAULT_MAX_STREAMS_PER_CLIENT + 1);

    const during = percentile(await timeEach(100, capture), 99);
    console.log(
      `[sse flood] ${DEFAULT_MAX_STREAMS_PER_CLIENT} streams open from one address, the next one 429; other project's capture p99: baseline ${baseline.toFixed(1)} ms, during ${during.toFixed(1)} ms (bound ${latencyBound(baseline).toFixed(1)} ms)`,
    );
    expect(during).toBeLessThanOrEqual(latencyBound(baseline));
  });
});

describe('SSE caps per project and in total, heartbeat, bounded buffer', () => {
  let app: RunningSightline;
  let other: ProjectKeys;
  const streams: IncomingMessage[] = [];

  beforeAll(async () => {
    app = await startLimitedApp({
      streams: {
        maxPerClient: 100,
        maxPerProject: 5,
        maxTotal: 8,
        heartbeatMs: 50,
        maxBufferedBytes: 16 * 1024,
      },
    });
    other = await createProject(app.engine, 'other', 'Other');
    await app.projects.reload();
  });
  afterAll(async () => {
    for (const s of streams) s.destroy();
    await app.close();
  });

  const open = async (key: string, sessionId: string) => {
    const res = await openFrom(streamUrl(app, key, sessionId));
    if (res.statusCode === 200) streams.push(res);
    return res;
  };

  it('refuses a project past its cap, then everyone past the total, and frees a slot when a stream closes', async () => {
    for (let i = 0; i < 5; i++) expect((await open(app.keys.publicKey, `a-${i}`)).statusCode).toBe(200);
    const overProject = await open(app.keys.publicKey, 'a-extra');
    expect(overProject.statusCode).toBe(429);
    expect(JSON.parse(await bodyOf(overProject)).message).toMatch(/project/);

    for (let i = 0; i < 3; i++) expect((await open(other.publicKey, `b-${i}`)).statusCode).toBe(200);
    const overTotal = await open(other.publicKey, 'b-extra');
    expect(overTotal.statusCode).toBe(429);
    expect(JSON.parse(await bodyOf(overTotal)).message).toMatch(/server/);

    streams.shift()!.destroy();
    await waitFor(() => app.interventions.openStreams === 7);
    expect((await open(other.publicKey, 'b-after')).statusCode).toBe(200);
  });

  it('sends a heartbeat comment on an idle stream', async () => {
    const res = streams[0]!;
    res.setEncoding('utf8');
    const ping = await new Promise<string>((resolve) => {
      let seen = '';
      const onData = (chunk: string) => {
        seen += chunk;
        if (seen.includes(': ping\n\n')) {
          res.off('data', onData);
          resolve(seen);
        }
      };
      res.on('data', onData);
    });
    expect(ping).toContain(': ping');
    res.pause();
  });

  it('closes a stream whose reader stopped reading once its buffer is full, and keeps the others', async () => {
    for (const s of streams.splice(0)) s.destroy();
    await waitFor(() => app.interventions.openStreams === 0);
    const stalled = await open(app.keys.publicKey, 'stalled');
    const reading = await open(app.keys.publicKey, 'reading');
    stalled.pause(); // never reads again: the kernel's buffers fill, then the server's
    // Frames the reading peer has in full (a frame's marker may be split across chunks).
    let received = 0;
    let tail = '';
    let onFrame: () => void = () => undefined;
    reading.setEncoding('utf8');
    reading.on('data', (chunk: string) => {
      const text = tail + chunk;
      received += text.split('event: intervention\n').length - 1;
      tail = text.slice(-'event: intervention\n'.length + 1);
      onFrame();
    });
    const readingHas = (n: number) =>
      new Promise<void>((resolve) => {
        onFrame = () => {
          if (received >= n) resolve();
        };
        onFrame();
      });
    const message = 'x'.repeat(8 * 1024);
    const record = (sessionId: string, i: number): InterventionRecord => ({
      id: `iv-${sessionId}-${i}`,
      project_id: 'default',
      session_id: sessionId,
      distinct_id: 'd',
      insight_id: `ins-${i}`,
      insight_type: 'user_at_risk',
      rule_id: 'r',
      action: 'tooltip',
      message,
      risk_factors: ['rage_click'],
      held_out: false,
      created_at: Date.now(),
      delivered_at: null,
      shown_at: null,
      result: null,
      result_at: null,
    });
    // Up to 64 MiB, each frame once the reading peer has the one before: it keeps up, while the
    // stalled one's kernel buffers fill and then the server's.
    let frames = 0;
    while (frames < 8 * 1024 && app.interventions.openStreams === 2) {
      app.interventions.deliver([record('stalled', frames), record('reading', frames)]);
      frames++;
      await readingHas(frames);
    }
    expect(frames).toBeLessThan(8 * 1024);
    expect(app.interventions.openStreams).toBe(1);
    expect(reading.socket.destroyed).toBe(false);
    expect(received).toBe(frames);
    console.log(
      `[sse buffer] the stalled stream was closed after ${frames} frames (${((frames * message.length) / 1e6).toFixed(1)} MB sent to each); the reading one stayed open`,
    );
  });
});

describe('stream caps within the connection cap', () => {
  it('leaves a quarter of the sockets to everything else, also under a low open-file limit', () => {
    expect(fitStreamsToConnections({}, fitToOpenFiles({}, 1_024).maxConnections)).toMatchObject({
      maxTotal: 576,
      maxPerProject: 576,
      maxPerClient: DEFAULT_MAX_STREAMS_PER_CLIENT,
    });
    expect(fitStreamsToConnections({}, 4_096).maxTotal).toBe(3_072);
    expect(fitStreamsToConnections({ maxTotal: 10 }, 4_096).maxTotal).toBe(10);
  });
});
