import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RiskFactor } from '../../src/friction/catalogue.js';
import type { StorageEngine } from '../../src/storage/engine.js';
import { generateCorpus, INJECTABLE } from './corpus.js';
import { openTestEngine, processAll, storedOutputs } from './support.js';

const SESSIONS = 700;
const MIN_SCORE = 0.9;

describe('detectors on a labelled simulated corpus', () => {
  let engine: StorageEngine;
  const { rows, labelled } = generateCorpus(20_251_124, SESSIONS);
  const predicted = new Map<string, Set<string>>();

  beforeAll(async () => {
    ({ engine } = await openTestEngine());
    for (let i = 0; i < rows.length; i += 5000) await engine.insertEvents(rows.slice(i, i + 5000));
    await processAll(engine, [], { batchSize: 3000 });
    for (const insight of (await storedOutputs(engine)).insights) {
      if (insight['insight_type'] !== 'user_at_risk') continue;
      const sessionId = String(insight['session_id']);
      const set = predicted.get(sessionId) ?? new Set<string>();
      for (const f of (insight['data'] as { risk_factors: string[] }).risk_factors) set.add(f);
      predicted.set(sessionId, set);
    }
  });
  afterAll(async () => {
    await engine?.close();
  });

  it(`finds each kind of friction with precision and recall ≥ ${MIN_SCORE}`, () => {
    const table: Array<{
      factor: RiskFactor;
      tp: number;
      fp: number;
      fn: number;
      precision: number;
      recall: number;
    }> = [];
    for (const factor of INJECTABLE) {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const { sessionId, labels } of labelled) {
        const truth = labels.includes(factor);
        const found = predicted.get(sessionId)?.has(factor) ?? false;
        if (truth && found) tp++;
        else if (found) fp++;
        else if (truth) fn++;
      }
      table.push({ factor, tp, fp, fn, precision: tp / (tp + fp || 1), recall: tp / (tp + fn || 1) });
    }
    const lines = [
      `detector precision/recall over ${SESSIONS} simulated sessions (${rows.length} events):`,
      'factor                 |  tp |  fp |  fn | precision | recall',
      ...table.map(
        (r) =>
          `${r.factor.padEnd(22)} | ${String(r.tp).padStart(3)} | ${String(r.fp).padStart(3)} | ${String(r.fn).padStart(3)} | ${r.precision.toFixed(3).padStart(9)} | ${r.recall.toFixed(3)}`,
      ),
    ];
    console.log(lines.join('\n'));
    for (const r of table) {
      expect(r.tp, `${r.factor} has injected sessions`).toBeGreaterThan(20);
      expect(r.precision, `${r.factor} precision`).toBeGreaterThanOrEqual(MIN_SCORE);
      expect(r.recall, `${r.factor} recall`).toBeGreaterThanOrEqual(MIN_SCORE);
    }
  });
});
