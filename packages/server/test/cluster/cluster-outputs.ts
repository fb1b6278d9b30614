import { openHttpTransport } from '../../src/storage/clickhouse/http-transport.js';
import { partitionNode, partitionRange } from '../../src/storage/clickhouse/partition-loader.js';
import { clickhouseUrl } from '../support/engines.js';

const SETTINGS = { output_format_json_quote_64bit_integers: 0 };

/** Reads a node group's ClickHouse database directly: what was stored, and how far each partition is. */
export async function clusterDatabase(database: string) {
  const transport = await openHttpTransport({ url: clickhouseUrl(), database });
  const rows = async (sql: string) => (await transport.query(sql, SETTINGS)).data;
  return {
    rows,
    close: () => transport.close(),
    /** Events stored per uuid (more than 1: stored twice). */
    async storedCounts(): Promise<Map<string, number>> {
      const found = await rows('SELECT uuid, count() AS n FROM events GROUP BY uuid');
      return new Map(found.map((r) => [String(r['uuid']), Number(r['n'])]));
    },
    /**
     * Whether every partition's processor has committed past the partition's last stored event
     * (and `events` stored events in all).
     */
    async processedAll(partitions: number, events: number): Promise<boolean> {
      const [count] = await rows('SELECT count() AS n FROM events');
      if (Number(count?.['n'] ?? 0) < events) return false;
      const checkpoints = new Map(
        (await rows('SELECT node, max(checkpoint) AS c FROM processor_checkpoint GROUP BY node')).map((r) => [
          Number(r['node']),
          Number(r['c']),
        ]),
      );
      for (let p = 0; p < partitions; p++) {
        const { low, high } = partitionRange(p);
        const [top] = await rows(`SELECT max(seq) AS m FROM events WHERE seq > ${low} AND seq < ${high}`);
        const last = Number(top?.['m'] ?? 0);
        if (last > low && (checkpoints.get(partitionNode(p)) ?? 0) < last) return false;
      }
      return true;
    },
    /** The processor's outputs, as fields that do not depend on when or where they were computed. */
    async outputs() {
      const sorted = (list: Array<Record<string, unknown>>) => list.map((r) => JSON.stringify(r)).sort();
      return {
        insights: sorted(
          await rows(
            'SELECT id, insight_type, severity, session_id, problem, factor FROM insights ORDER BY id',
          ),
        ),
        journeys: sorted(
          await rows(
            'SELECT id, session_id, journey_name, status, steps, abandon_reason FROM journeys ORDER BY id',
          ),
        ),
        interventions: sorted(
          await rows(
            'SELECT id, session_id, insight_id, rule_id, action, held_out FROM interventions ORDER BY id',
          ),
        ),
        friction: sorted(
          await rows('SELECT session_id, friction_score, factors FROM session_friction ORDER BY session_id'),
        ),
      };
    },
  };
}

export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
