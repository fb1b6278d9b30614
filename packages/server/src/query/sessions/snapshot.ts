import { EVENTS, resolveTimeRange, type TimeRange } from '@sightline/schema';
import { z } from 'zod';
import { ERROR_EVENTS } from '../../friction/error-encountered.js';
import { raw, type SqlFragment, sql } from '../../sql/sql.js';
import type { QueryContext } from '../registry.js';
import { type RangeSplit, rawEvents, splitAtCover } from '../session-rollup.js';

/** Event names whose rollup counts the sessions list reads: errors (the catalogue's) and page views. */
export const PAGE_VIEW = EVENTS.pageView;
export const COUNTED_NAMES: readonly string[] = [...ERROR_EVENTS, PAGE_VIEW];

const ms = z.number().int().min(-8.64e15).max(8.64e15);

/**
 * What every page of one sessions list reads, fixed by its first page: the resolved range, the
 * events up to `seq` (later ones arrived after the first page) and the rollup cover it read, so
 * sessions keep their values and order from page to page while events keep arriving.
 */
export const listSnapshotSchema = z.object({
  from: ms,
  to: ms,
  seq: z.number().int().min(0),
  /** The rollup's cover then (generation, covered seq and end); null when it read events only. */
  cover: z
    .object({ generation: z.number().int().min(0), coveredSeq: z.number().int().min(0), coveredEnd: ms })
    .nullable(),
});
export type ListSnapshot = z.infer<typeof listSnapshotSchema>;

/** A snapshot and how to read it: rollup rows plus raw parts, or (split null) events only. */
export interface SnapshotSource {
  snapshot: ListSnapshot;
  split: RangeSplit | null;
}

/** The `events` rows of the snapshot: the project, the range, seq up to the snapshot's. */
export function snapshotEvents({ snapshot }: SnapshotSource, projectId: string): SqlFragment {
  return sql`project_id = ${projectId} AND timestamp >= ${snapshot.from} AND timestamp < ${snapshot.to}
    AND seq <= ${snapshot.seq}`;
}

/**
 * A first page's snapshot: the rollup's cover now (when the engine keeps one) and the newest seq
 * among the events the rollup does not hold, so later pages read exactly the same events.
 */
export async function takeSnapshot(ctx: QueryContext, range: TimeRange): Promise<SnapshotSource> {
  const { engine, projectId, now } = ctx;
  const { from, to } = resolveTimeRange(range, now);
  const store = engine.rollup;
  const cover = store ? await store.readCover((f) => engine.query(f), COUNTED_NAMES) : null;
  const split = store && cover ? splitAtCover(store, projectId, { from, to }, cover) : null;
  const seqs = split
    ? rawEvents(split, raw('seq'))
    : sql`SELECT seq FROM events WHERE project_id = ${projectId} AND timestamp >= ${from} AND timestamp < ${to}`;
  const [row] = await engine.query(sql`SELECT max(seq) AS seq FROM (${seqs}) AS r`);
  const seq = Math.max(Number(row?.['seq'] ?? 0), cover?.coveredSeq ?? 0);
  const pinned = cover
    ? { generation: cover.generation, coveredSeq: cover.coveredSeq, coveredEnd: cover.coveredEnd }
    : null;
  return { snapshot: { from, to, seq, cover: pinned }, split };
}

/**
 * A later page's source: the first page's cover where the rollup still has it (rows are only
 * appended, so generation <= G is that cover), else events only, which hold the same answer.
 */
export async function resumeSnapshot(ctx: QueryContext, snapshot: ListSnapshot): Promise<SnapshotSource> {
  const { engine, projectId } = ctx;
  const store = engine.rollup;
  if (!store || !snapshot.cover) return { snapshot, split: null };
  const current = await store.readCover((f) => engine.query(f), COUNTED_NAMES);
  // A rollup rebuilt since (a newer layout at start) has restarted its generations: do not trust it.
  if (current.generation < snapshot.cover.generation) return { snapshot, split: null };
  const cover = { ...snapshot.cover, nameIds: current.nameIds };
  return { snapshot, split: splitAtCover(store, projectId, snapshot, cover) };
}
