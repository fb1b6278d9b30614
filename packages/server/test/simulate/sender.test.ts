import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../src/app.js';
import { TrafficSimulator } from '../../src/simulate/index.js';
import { exportAll, startTestApp } from '../support/app.js';

describe('paced sender against a real server', () => {
  let app: RunningSightline;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sends sessions through POST /v1/events in real time; every event is stored', {
    timeout: 30_000,
  }, async () => {
    const startedAt = Date.now();
    const sim = new TrafficSimulator({
      url: app.url,
      key: app.keys.publicKey,
      rate: 150,
      durationMs: 3000,
      seed: 1234,
    }).start();
    const stats = await sim.done;
    const elapsed = Date.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    expect(elapsed).toBeLessThan(8000);
    expect(stats.requestErrors).toBe(0);
    expect(stats.rejected).toBe(0);
    // The rate holds from the first second: about 150 × 3 events (plus exits of the sessions cut).
    expect(stats.eventsSent).toBeGreaterThan(400);
    expect(stats.eventsSent).toBeLessThan(700);
    expect(stats.accepted).toBe(stats.eventsSent);
    expect(stats.sessionsStarted).toBeGreaterThan(5);

    const events = await exportAll(app);
    expect(events).toHaveLength(stats.eventsSent);
    // Real wall-clock timestamps: nothing from the future, nothing older than the run.
    for (const e of events) {
      expect(e['timestamp'] as number).toBeGreaterThanOrEqual(startedAt - 50);
      expect(e['timestamp'] as number).toBeLessThanOrEqual((e['received_at'] as number) + 50);
    }
    const names = new Set(events.map((e) => e['event']));
    expect(names).toContain('page_view');
    // The User-Agent in the properties fills the browser column.
    expect(events.some((e) => e['browser'] !== '')).toBe(true);
    // Sessions cut by the end of the run left the page: every journey started was closed, none left open.
    const open = new Map<string, number>();
    for (const e of events) {
      const p = e['properties'] as Record<string, unknown>;
      const key = `${e['session_id']}/${p['journey_name']}`;
      if (e['event'] === 'journey_started') open.set(key, (open.get(key) ?? 0) + 1);
      if (e['event'] === 'journey_completed' || e['event'] === 'journey_abandoned')
        open.set(key, (open.get(key) ?? 0) - 1);
    }
    expect([...open.values()].every((n) => n === 0)).toBe(true);
  });

  it('stop() ends a run without a duration and flushes what is due', { timeout: 15_000 }, async () => {
    const before = (await exportAll(app)).length;
    const sim = new TrafficSimulator({ url: app.url, key: app.keys.publicKey, rate: 50 }).start();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stats = await sim.stop();
    expect(stats.accepted).toBeGreaterThan(0);
    expect(stats.queued).toBe(0);
    expect((await exportAll(app)).length - before).toBe(stats.accepted);
  });

  it('counts refused requests (wrong key) as errors without retrying them forever', {
    timeout: 15_000,
  }, async () => {
    const sim = new TrafficSimulator({ url: app.url, key: 'sl_pub_nope', rate: 50, durationMs: 800 });
    const stats = await sim.start().done;
    expect(stats.accepted).toBe(0);
    expect(stats.requestErrors).toBeGreaterThan(0);
    expect(stats.lastError).toMatch(/401/);
  });

  it('sessions with friction receive interventions over SSE and answer them', {
    timeout: 40_000,
  }, async () => {
    const sim = new TrafficSimulator({
      url: app.url,
      key: app.keys.publicKey,
      rate: 120,
      durationMs: 14_000,
      seed: 77,
      interventions: true,
      friction: { rageClicks: 1, errors: 0, stalls: 0, abandon: 0 },
    });
    const stats = await sim.start().done;
    expect(stats.interventionsReceived).toBeGreaterThan(0);
    const events = await exportAll(app);
    const shown = events.filter((e) => e['event'] === '$intervention_shown');
    expect(shown.length).toBeGreaterThan(0);
    // Each answer names an intervention the server sent to that session.
    const res = await fetch(`${app.url}/v1/query/interventions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${app.keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time_range: '1h' }),
    });
    const body = (await res.json()) as { rules: Array<{ targeted: { delivered: number; shown: number } }> };
    const delivered = body.rules.reduce((n, r) => n + r.targeted.delivered, 0);
    const shownByServer = body.rules.reduce((n, r) => n + r.targeted.shown, 0);
    expect(delivered).toBeGreaterThanOrEqual(stats.interventionsReceived);
    expect(shownByServer).toBeGreaterThan(0);
  });
});
