import { afterEach, describe, expect, it } from 'vitest';
import { raw, sql } from '../../src/sql/sql.js';
import type { StorageEngine, StoredEvent } from '../../src/storage/engine.js';
import { makeBatch, makeInsight, makeIntervention, makeJourney } from '../support/processor-records.js';
import { makeRow } from '../support/rows.js';

/**
 * How a suite gets an engine. `reopen` must give an engine over the same stored data
 * (after the previous one was closed), to check persistence across restarts.
 */
export interface EngineFactory {
  create(): Promise<{ engine: StorageEngine; reopen: () => Promise<StorageEngine> }>;
}

async function collect(iterable: AsyncIterable<StoredEvent[]>): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const chunk of iterable) out.push(...chunk);
  return out;
}

const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };

/** The shared cases every storage engine passes (docs/ARCHITECTURE.md, Storage): one describe per engine. */
export function storageConformance(name: string, factory: EngineFactory): void {
  describe(`StorageEngine conformance: ${name}`, () => {
    const open: StorageEngine[] = [];
    const create = async () => {
      const made = await factory.create();
      open.push(made.engine);
      return made;
    };
    afterEach(async () => {
      for (const engine of open.splice(0)) await engine.close().catch(() => undefined);
    });

    it('inserts events and returns them with every column intact', async () => {
      const { engine } = await create();
      const row = makeRow({ properties: '{"emoji":"😀","nul":"a\\u0000b","quote":"it\'s"}' });
      const result = await engine.insertEvents([row]);
      expect([...result.inserted]).toEqual([1]);
      const [stored] = await engine.readEventsAfter(0, 10);
      expect(stored).toEqual({ ...row, seq: result.firstSeq });
      expect(JSON.parse(stored!.properties)).toEqual({ emoji: '😀', nul: 'a\u0000b', quote: "it's" });
    });

    it('stores a (project, uuid) once: retries and repeats inside one call are dropped', async () => {
      const { engine } = await create();
      const a = makeRow({ uuid: 'same' });
      const first = await engine.insertEvents([a, makeRow({ uuid: 'same', event: 'repeat' }), makeRow()]);
      expect([...first.inserted]).toEqual([1, 0, 1]);
      const retry = await engine.insertEvents([a, makeRow({ uuid: 'new' })]);
      expect([...retry.inserted]).toEqual([0, 1]);
      const stored = await engine.readEventsAfter(0, 100);
      expect(stored.filter((e) => e.uuid === 'same')).toHaveLength(1);
      expect(stored.find((e) => e.uuid === 'same')!.event).toBe('page_view');
      expect(stored).toHaveLength(3);
    });

    it('allows the same uuid in two projects', async () => {
      const { engine } = await create();
      const result = await engine.insertEvents([
        makeRow({ uuid: 'u' }),
        makeRow({ uuid: 'u', project_id: 'p2' }),
      ]);
      expect([...result.inserted]).toEqual([1, 1]);
    });

    it('numbers events with a strictly increasing seq across commits', async () => {
      const { engine } = await create();
      for (let i = 0; i < 5; i++) {
        await engine.insertEvents(Array.from({ length: 20 }, () => makeRow()));
      }
      const stored = await engine.readEventsAfter(0, 1000);
      expect(stored).toHaveLength(100);
      for (let i = 1; i < stored.length; i++) expect(stored[i]!.seq).toBeGreaterThan(stored[i - 1]!.seq);
    });

    it('reads after a seq, in seq order, with a limit', async () => {
      const { engine } = await create();
      await engine.insertEvents(Array.from({ length: 30 }, (_, i) => makeRow({ event: `e${i}` })));
      const all = await engine.readEventsAfter(0, 1000);
      const after = await engine.readEventsAfter(all[9]!.seq, 5);
      expect(after.map((e) => e.event)).toEqual(['e10', 'e11', 'e12', 'e13', 'e14']);
      expect(await engine.readEventsAfter(all[29]!.seq, 10)).toEqual([]);
    });

    it('keeps projects apart in export, count and queries', async () => {
      const { engine } = await create();
      await engine.insertEvents([
        makeRow({ project_id: 'a', event: 'only_a' }),
        makeRow({ project_id: 'b', event: 'only_b' }),
        makeRow({ project_id: 'b', event: 'only_b' }),
      ]);
      const exportedA = await collect(engine.exportEvents('a', ALL_TIME));
      expect(exportedA.map((e) => e.event)).toEqual(['only_a']);
      expect(await engine.countEvents('b', ALL_TIME)).toBe(2);
      const rows = await engine.query(sql`SELECT count(*) AS n FROM events WHERE project_id = ${'a'}`);
      expect(rows).toEqual([{ n: 1 }]);
    });

    it('exports oldest first within [from, to), across many chunks', async () => {
      const { engine } = await create();
      const base = 1_700_000_000_000;
      const rows = Array.from({ length: 5000 }, (_, i) => makeRow({ timestamp: base + ((i * 7919) % 5000) }));
      await engine.insertEvents(rows);
      const exported = await collect(engine.exportEvents('p1', { from: base + 100, to: base + 4100 }));
      expect(exported).toHaveLength(4000);
      expect(exported[0]!.timestamp).toBe(base + 100);
      for (let i = 1; i < exported.length; i++) {
        expect(exported[i]!.timestamp).toBeGreaterThanOrEqual(exported[i - 1]!.timestamp);
      }
    });

    it('stops an export early without leaking it', async () => {
      const { engine } = await create();
      await engine.insertEvents(Array.from({ length: 6000 }, () => makeRow()));
      for await (const chunk of engine.exportEvents('p1', ALL_TIME)) {
        expect(chunk.length).toBeGreaterThan(0);
        break;
      }
      expect(await engine.countEvents('p1', ALL_TIME)).toBe(6000);
    });

    it('passes hostile strings as values, never as SQL', async () => {
      const { engine } = await create();
      const hostile = "x'; DROP TABLE events; --";
      await engine.insertEvents([makeRow({ project_id: hostile, event: hostile })]);
      const rows = await engine.query(sql`SELECT event FROM events WHERE project_id = ${hostile}`);
      expect(rows).toEqual([{ event: hostile }]);
    });

    it('stores and updates projects', async () => {
      const { engine } = await create();
      const project = { id: 'p', name: 'P', public_key: 'pk', secret_key_hash: 'h', created_at: 5 };
      await engine.upsertProject(project);
      await engine.upsertProject({ ...project, public_key: 'pk2' });
      expect(await engine.listProjects()).toEqual([{ ...project, public_key: 'pk2' }]);
    });

    it('starts the processor from nothing: checkpoint 0, no state', async () => {
      const { engine } = await create();
      expect(await engine.loadProcessorState()).toEqual({
        checkpoint: 0,
        stateSeq: 0,
        globals: null,
        sessions: [],
      });
    });

    it('commits processor outputs with their checkpoint; journeys replace, insights and interventions insert once', async () => {
      const { engine } = await create();
      await engine.commitProcessorBatch(
        makeBatch({
          checkpoint: 5,
          journeys: [makeJourney()],
          insights: [makeInsight()],
          interventions: [makeIntervention()],
          friction: [
            {
              project_id: 'p1',
              session_id: 's1',
              distinct_id: 'd1',
              friction_score: 3,
              factors: { error_encountered: 1 },
              updated_at: 2000,
            },
          ],
        }),
      );
      await engine.saveProcessorState({
        seq: 5,
        globals: '{"clock":5}',
        sessions: [
          { project_id: 'p1', session_id: 's1', state: '{"a":1}' },
          { project_id: 'p1', session_id: 's2', state: '{}' },
        ],
        evictedSessions: [],
      });
      const completed = makeJourney({
        status: 'completed',
        ended_at: 5000,
        total_duration: 4000,
        completion_rate: 1,
      });
      await engine.commitProcessorBatch(
        makeBatch({
          checkpoint: 9,
          journeys: [completed],
          insights: [
            makeInsight({ severity: 'low' }),
            makeInsight({ id: 'ins_2', insight_type: 'journey_completed' }),
          ],
          interventions: [makeIntervention({ action: 'other' })],
          friction: [
            {
              project_id: 'p1',
              session_id: 's1',
              distinct_id: 'd1',
              friction_score: 6,
              factors: { error_encountered: 2 },
              updated_at: 4000,
            },
          ],
        }),
      );
      await engine.saveProcessorState({
        seq: 8,
        globals: '{"clock":8}',
        sessions: [{ project_id: 'p1', session_id: 's1', state: '{"a":2}' }],
        evictedSessions: [{ project_id: 'p1', session_id: 's2' }],
      });
      expect(await engine.loadProcessorState()).toEqual({
        checkpoint: 9,
        stateSeq: 8,
        globals: '{"clock":8}',
        sessions: [{ project_id: 'p1', session_id: 's1', state: '{"a":2}' }],
      });
      // Outputs move the checkpoint and leave the saved state as it was.
      await engine.commitProcessorBatch(makeBatch({ checkpoint: 12 }));
      expect(await engine.loadProcessorState()).toMatchObject({
        checkpoint: 12,
        stateSeq: 8,
        globals: '{"clock":8}',
      });
      const journeys = await engine.query(
        sql`SELECT id, status, steps, ended_at, total_duration, completion_rate FROM journeys`,
      );
      expect(journeys.map((j) => ({ ...j, steps: JSON.parse(String(j['steps'])) }))).toEqual([
        {
          id: 'jny_1',
          status: 'completed',
          steps: completed.steps,
          ended_at: 5000,
          total_duration: 4000,
          completion_rate: 1,
        },
      ]);
      const insights = await engine.query(sql`SELECT id, severity, data FROM insights ORDER BY id`);
      expect(insights.map((i) => ({ ...i, data: JSON.parse(String(i['data'])) }))).toEqual([
        { id: 'ins_1', severity: 'high', data: makeInsight().data },
        { id: 'ins_2', severity: 'high', data: makeInsight().data },
      ]);
      expect(await engine.query(sql`SELECT id, action, held_out FROM interventions`)).toEqual([
        { id: 'int_1', action: 'offer_support', held_out: false },
      ]);
      expect(await engine.query(sql`SELECT friction_score, factors FROM session_friction`)).toEqual([
        { friction_score: 6, factors: '{"error_encountered":2}' },
      ]);
    });

    it('replaces records by key: the last of repeats in one write wins, other keys and projects stay', async () => {
      const { engine } = await create();
      await engine.commitProcessorBatch(
        makeBatch({
          checkpoint: 1,
          journeys: [makeJourney({ id: 'j' }), makeJourney({ id: 'j', project_id: 'p2' })],
        }),
      );
      await engine.commitProcessorBatch(
        makeBatch({
          checkpoint: 2,
          journeys: [
            makeJourney({ id: 'j', status: 'completed' }),
            makeJourney({ id: 'j', status: 'abandoned', abandon_reason: 'timeout' }),
          ],
        }),
      );
      expect(
        await engine.query(sql`SELECT project_id, status, abandon_reason FROM journeys ORDER BY project_id`),
      ).toEqual([
        { project_id: 'p1', status: 'abandoned', abandon_reason: 'timeout' },
        { project_id: 'p2', status: 'active', abandon_reason: null },
      ]);
    });

    it('commits all or nothing: a batch behind the stored checkpoint leaves no trace', async () => {
      const { engine } = await create();
      await engine.commitProcessorBatch(makeBatch({ checkpoint: 20 }));
      await expect(
        engine.commitProcessorBatch(
          makeBatch({
            checkpoint: 19,
            journeys: [makeJourney()],
            insights: [makeInsight()],
            interventions: [makeIntervention()],
            friction: [
              {
                project_id: 'p1',
                session_id: 's1',
                distinct_id: 'd1',
                friction_score: 1,
                factors: {},
                updated_at: 1,
              },
            ],
          }),
        ),
      ).rejects.toThrow(/behind/);
      for (const table of ['journeys', 'insights', 'interventions', 'session_friction'])
        expect(await engine.query(sql`SELECT count(*) AS n FROM ${raw(table)}`), table).toEqual([{ n: 0 }]);
      expect((await engine.loadProcessorState()).checkpoint).toBe(20);
    });

    it('sets an insight status within its project only', async () => {
      const { engine } = await create();
      await engine.commitProcessorBatch(makeBatch({ insights: [makeInsight()] }));
      expect(await engine.setInsightStatus('other', 'ins_1', 'resolved', 7)).toBe(false);
      expect(await engine.setInsightStatus('p1', 'nope', 'resolved', 7)).toBe(false);
      expect(await engine.setInsightStatus('p1', 'ins_1', 'acknowledged', 7)).toBe(true);
      expect(await engine.query(sql`SELECT status, status_changed_at FROM insights`)).toEqual([
        { status: 'acknowledged', status_changed_at: 7 },
      ]);
    });

    it('sets the status of a group of insights: counts what the project had, never touches another project', async () => {
      const { engine } = await create();
      await engine.commitProcessorBatch(
        makeBatch({
          insights: [
            makeInsight({ id: 'a' }),
            makeInsight({ id: 'b' }),
            makeInsight({ id: 'c' }),
            makeInsight({ id: 'a', project_id: 'p2' }),
            makeInsight({ id: 'theirs', project_id: 'p2' }),
          ],
        }),
      );
      // Repeated and unknown ids count once and not at all; another project's id is not this one's.
      expect(await engine.setInsightStatuses('p1', ['a', 'b', 'a', 'nope', 'theirs'], 'resolved', 9)).toBe(2);
      expect(await engine.setInsightStatuses('p1', [], 'resolved', 9)).toBe(0);
      expect(await engine.setInsightStatuses('p3', ['a', 'b'], 'acknowledged', 9)).toBe(0);
      expect(
        await engine.query(
          sql`SELECT project_id, id, status, status_changed_at FROM insights ORDER BY project_id, id`,
        ),
      ).toEqual([
        { project_id: 'p1', id: 'a', status: 'resolved', status_changed_at: 9 },
        { project_id: 'p1', id: 'b', status: 'resolved', status_changed_at: 9 },
        { project_id: 'p1', id: 'c', status: 'open', status_changed_at: null },
        { project_id: 'p2', id: 'a', status: 'open', status_changed_at: null },
        { project_id: 'p2', id: 'theirs', status: 'open', status_changed_at: null },
      ]);
      // A replayed batch inserts nothing again: the statuses set stay.
      await engine.commitProcessorBatch(makeBatch({ insights: [makeInsight({ id: 'a' })] }));
      expect(
        await engine.query(sql`SELECT status FROM insights WHERE project_id = ${'p1'} AND id = ${'a'}`),
      ).toEqual([{ status: 'resolved' }]);
    });

    it("stores share keys, lists every project's (revoked ones too), revokes within a project only, across a restart", async () => {
      const { engine, reopen } = await create();
      expect(await engine.listShareKeys()).toEqual([]);
      const key = {
        id: 'k1',
        project_id: 'p1',
        key_hash: 'h1',
        label: `it's "shared" ✓`,
        created_at: 10,
        revoked_at: null,
      };
      const other = {
        id: 'k2',
        project_id: 'p2',
        key_hash: 'h2',
        label: '',
        created_at: 20,
        revoked_at: null,
      };
      await engine.insertShareKey(other);
      await engine.insertShareKey(key);
      expect(await engine.listShareKeys()).toEqual([key, other]);
      expect(await engine.revokeShareKey('p2', 'k1', 30)).toBe(false);
      expect(await engine.revokeShareKey('p1', 'nope', 30)).toBe(false);
      expect(await engine.revokeShareKey('p1', 'k1', 30)).toBe(true);
      // Revoking again keeps the first time.
      expect(await engine.revokeShareKey('p1', 'k1', 40)).toBe(true);
      await engine.close();
      open.splice(open.indexOf(engine), 1);
      const again = await reopen();
      open.push(again);
      expect(await again.listShareKeys()).toEqual([{ ...key, revoked_at: 30 }, other]);
    });

    it('finds sign-in sessions by id hash, revokes one, and signs a project out everywhere', async () => {
      const { engine } = await create();
      const session = (id_hash: string, project_id = 'p1') => ({
        id_hash,
        project_id,
        created_at: 100,
        expires_at: 200,
        revoked_at: null,
      });
      for (const row of [session('a'), session('b'), session('c'), session('x', 'p2')])
        await engine.insertSignInSession(row);
      expect(await engine.findSignInSession('a')).toEqual(session('a'));
      expect(await engine.findSignInSession('nope')).toBeNull();
      expect(await engine.revokeSignInSession('nope', 150)).toBe(false);
      expect(await engine.revokeSignInSession('a', 150)).toBe(true);
      expect(await engine.findSignInSession('a')).toEqual({ ...session('a'), revoked_at: 150 });
      // Sessions already revoked are not counted again and keep their time.
      expect(await engine.revokeSignInSessions('p1', 160)).toBe(2);
      expect(await engine.revokeSignInSessions('p1', 170)).toBe(0);
      expect(await engine.findSignInSession('a')).toEqual({ ...session('a'), revoked_at: 150 });
      expect(await engine.findSignInSession('c')).toEqual({ ...session('c'), revoked_at: 160 });
      expect(await engine.findSignInSession('x')).toEqual(session('x', 'p2'));
    });

    it('lists pending interventions (not held out, not delivered), records delivery and feedback', async () => {
      const { engine } = await create();
      await engine.commitProcessorBatch(
        makeBatch({
          interventions: [
            makeIntervention({ id: 'a', created_at: 1 }),
            makeIntervention({ id: 'b', created_at: 2 }),
            makeIntervention({ id: 'held', held_out: true }),
            makeIntervention({ id: 'other', session_id: 's2' }),
          ],
        }),
      );
      expect((await engine.pendingInterventions('p1', 's1')).map((v) => v.id)).toEqual(['a', 'b']);
      expect(await engine.pendingInterventions('p2', 's1')).toEqual([]);
      await engine.markInterventionsDelivered(['a'], 50);
      const [b] = await engine.pendingInterventions('p1', 's1');
      expect(b).toEqual(makeIntervention({ id: 'b', created_at: 2 }));
      await engine.commitProcessorBatch(
        makeBatch({
          checkpoint: 11,
          feedback: [
            { project_id: 'p1', intervention_id: 'a', shown_at: 60 },
            { project_id: 'p1', intervention_id: 'a', result: 'accepted', result_at: 70 },
            { project_id: 'p2', intervention_id: 'b', shown_at: 60 },
          ],
        }),
      );
      expect(
        await engine.query(
          sql`SELECT id, delivered_at, shown_at, result, result_at FROM interventions WHERE id IN ('a', 'b') ORDER BY id`,
        ),
      ).toEqual([
        { id: 'a', delivered_at: 50, shown_at: 60, result: 'accepted', result_at: 70 },
        { id: 'b', delivered_at: null, shown_at: null, result: null, result_at: null },
      ]);
    });

    it('stores intervention rules and webhooks per project, and keeps processor state across a restart', async () => {
      const { engine, reopen } = await create();
      const rules = [{ id: 'r', when: ['rage_click'], action: 'tooltip', message: 'Hi' }];
      await engine.setInterventionRules('p1', rules);
      await engine.setInterventionRules('p2', rules);
      await engine.setInterventionRules('p2', null);
      await engine.setWebhook('p1', 'https://hooks.test/a');
      await engine.setWebhook('p1', 'https://hooks.test/b');
      await engine.saveProcessorState({
        seq: 10,
        globals: '{}',
        sessions: [{ project_id: 'p1', session_id: 's1', state: '{}' }],
        evictedSessions: [],
      });
      await engine.close();
      open.splice(open.indexOf(engine), 1);
      const again = await reopen();
      open.push(again);
      expect(await again.listInterventionRules()).toEqual([{ project_id: 'p1', rules }]);
      expect(await again.listWebhooks()).toEqual([{ project_id: 'p1', url: 'https://hooks.test/b' }]);
      await again.setWebhook('p1', null);
      expect(await again.listWebhooks()).toEqual([]);
      expect((await again.loadProcessorState()).sessions).toHaveLength(1);
    });

    it('keeps events, dedupe state and seq order across a restart', async () => {
      const { engine, reopen } = await create();
      await engine.insertEvents([makeRow({ uuid: 'kept' }), makeRow()]);
      await engine.close();
      open.splice(open.indexOf(engine), 1);
      const again = await reopen();
      open.push(again);
      const before = await again.readEventsAfter(0, 10);
      expect(before).toHaveLength(2);
      const retry = await again.insertEvents([makeRow({ uuid: 'kept' }), makeRow({ uuid: 'fresh' })]);
      expect([...retry.inserted]).toEqual([0, 1]);
      const after = await again.readEventsAfter(0, 10);
      expect(after).toHaveLength(3);
      expect(after[2]!.seq).toBeGreaterThan(before[1]!.seq);
    });

    it('stops a query when its signal aborts, and answers the next one', async () => {
      const { engine } = await create();
      // Minutes of work on any engine: only the cancellation (or the server's own limit) ends it.
      const slow =
        engine.name === 'duckdb'
          ? 'SELECT sum(range) AS s FROM range(100000000000)'
          : 'SELECT sum(number) AS s FROM numbers(100000000000)';
      const started = performance.now();
      const stop = new AbortController();
      setTimeout(() => stop.abort(new Error('over budget')), 300);
      await expect(engine.query(raw(slow), { signal: stop.signal, timeoutMs: 300 })).rejects.toThrow();
      // Settles once the engine let go of it (DuckDB interrupt, KILL QUERY, chDB's max_execution_time).
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(await engine.query(sql`SELECT ${1} AS x`)).toEqual([{ x: 1 }]);
      const aborted = AbortSignal.abort(new Error('gone'));
      await expect(engine.query(sql`SELECT ${2} AS x`, { signal: aborted })).rejects.toThrow('gone');
    });

    it('stores project settings per project, replaces and removes them, and keeps them across a restart', async () => {
      const { engine, reopen } = await create();
      expect(await engine.listProjectSettings()).toEqual([]);
      // Stored as given, byte for byte: quotes, a backslash and Unicode must survive every engine's escaping.
      const hostile = JSON.stringify({ key_funnel: null, key_journey: `it's "quoted" \\ é ✓` });
      await engine.setProjectSettings('p2', '{"key_funnel":null,"key_journey":"a"}');
      await engine.setProjectSettings('p1', '{"key_funnel":null,"key_journey":"old"}');
      await engine.setProjectSettings('p1', hostile);
      expect(await engine.listProjectSettings()).toEqual([
        { project_id: 'p1', settings_json: hostile },
        { project_id: 'p2', settings_json: '{"key_funnel":null,"key_journey":"a"}' },
      ]);
      await engine.close();
      open.splice(open.indexOf(engine), 1);
      const again = await reopen();
      open.push(again);
      expect(await again.listProjectSettings()).toEqual([
        { project_id: 'p1', settings_json: hostile },
        { project_id: 'p2', settings_json: '{"key_funnel":null,"key_journey":"a"}' },
      ]);
      await again.setProjectSettings('p2', null);
      expect(await again.listProjectSettings()).toEqual([{ project_id: 'p1', settings_json: hostile }]);
    });
  });
}
