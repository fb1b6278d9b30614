import { inList, raw, type SqlFragment, sql } from '../../sql/sql.js';
import { ROLLUP_SLOT_MS, type RollupCover, type SessionRollupCapability } from '../engine.js';
import { duckdbDialect } from './dialect.js';
import { FLOW_HOURS, FLOW_PAIR_HOURS, FLOW_PATH_HOURS, FLOW_PATH_SUM_LENGTHS } from './flow-rollup.js';
import { PAGE_VIEW_HOURS } from './page-view-rollup.js';
import { SESSION_ENTRY_HOURS } from './session-entry-rollup.js';

/** Each per-name statistic's list column in session_hours, parallel to name_ids. */
const LIST_OF = { count: 'counts', first: 'firsts', last: 'lasts' } as const;

/**
 * How queries read DuckDB's hourly session rollup (session-rollup.ts keeps it): the tables'
 * names and layout stay here, so the query layer depends only on SessionRollupCapability.
 */
export const duckdbSessionRollup: SessionRollupCapability = {
  async readCover(query, names): Promise<RollupCover> {
    const [[state], ids] = await Promise.all([
      query(sql`SELECT generation, covered_seq, covered_hour FROM session_rollup_state`),
      names.length > 0
        ? query(sql`SELECT name, id FROM session_rollup_names WHERE ${inList(raw('name'), names)}`)
        : Promise.resolve([]),
    ]);
    return {
      generation: Number(state?.['generation'] ?? 0),
      coveredSeq: Number(state?.['covered_seq'] ?? 0),
      coveredEnd: Number(state?.['covered_hour'] ?? -ROLLUP_SLOT_MS) + ROLLUP_SLOT_MS,
      nameIds: new Map(ids.map((row) => [String(row['name']), Number(row['id'])])),
    };
  },
  rows: raw('session_hours'),
  rowsWhere: (projectId, generation, fromHour, toHour) =>
    sql`project_id = ${projectId} AND generation <= ${generation} AND hour >= ${fromHour} AND hour < ${toHour}`,
  perName(stat, nameId): SqlFragment {
    // Id 0 is never given, so an unknown name's position is NULL, and so is its element.
    const position = duckdbDialect.listPosition(raw('name_ids'), raw(String(Math.trunc(nameId ?? 0))));
    return duckdbDialect.listElement(raw(LIST_OF[stat]), position);
  },
  span: (stat) => raw(stat === 'first' ? `list_min(${LIST_OF.first})` : `list_max(${LIST_OF.last})`),
  pageViews: raw(PAGE_VIEW_HOURS),
  sessionEntries: raw(SESSION_ENTRY_HOURS),
  flows: {
    pieces: raw(FLOW_HOURS),
    pairSums: raw(FLOW_PAIR_HOURS),
    pathSums: raw(FLOW_PATH_HOURS),
    pathSumLengths: FLOW_PATH_SUM_LENGTHS,
  },
};
