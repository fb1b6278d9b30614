import type { DuckDBValue } from '@duckdb/node-api';
import type { SqlFragment } from '../../query/sql.js';
import type {
  EventRow,
  ExportRange,
  InsertResult,
  Project,
  QueryRow,
  StorageEngine,
  StoredEvent,
} from '../engine.js';
import { toColumns } from './columns.js';
import { duckdbDialect } from './dialect.js';
import type { DuckDbOptions } from './store.js';
import { WorkerClient } from './worker-client.js';

export type { DuckDbOptions } from './store.js';

/** DuckDB behind a worker thread that owns the database file (DESIGN §3). */
class DuckDbEngine implements StorageEngine {
  readonly name = 'duckdb';
  readonly dialect = duckdbDialect;

  constructor(private readonly client: WorkerClient) {}

  insertEvents(rows: readonly EventRow[]): Promise<InsertResult> {
    return this.client.call('insertEvents', toColumns(rows));
  }

  readEventsAfter(afterSeq: number, limit: number): Promise<StoredEvent[]> {
    return this.client.call('readEventsAfter', afterSeq, limit);
  }

  countEvents(projectId: string, range: ExportRange): Promise<number> {
    return this.client.call('countEvents', projectId, range);
  }

  async *exportEvents(projectId: string, range: ExportRange): AsyncIterable<StoredEvent[]> {
    const id = await this.client.call<number>('exportOpen', projectId, range);
    let finished = false;
    try {
      for (;;) {
        const chunk = await this.client.call<StoredEvent[] | null>('exportNext', id);
        if (!chunk) {
          finished = true;
          return;
        }
        yield chunk;
      }
    } finally {
      // A consumer that stops early (client went away) must not leave the stream open.
      if (!finished) await this.client.call('exportClose', id).catch(() => undefined);
    }
  }

  query(fragment: SqlFragment): Promise<QueryRow[]> {
    const values: DuckDBValue[] = [];
    const text = fragment.render((i, value) => {
      values.push(value);
      return `$${i + 1}`;
    });
    return this.client.call('query', text, values);
  }

  listProjects(): Promise<Project[]> {
    return this.client.call('listProjects');
  }

  upsertProject(project: Project): Promise<void> {
    return this.client.call('upsertProject', project);
  }

  async close(): Promise<void> {
    await this.client.call('close');
    await this.client.terminate();
  }
}

export async function openDuckDbEngine(options: DuckDbOptions): Promise<StorageEngine> {
  return new DuckDbEngine(await WorkerClient.start(import.meta.url, options));
}
