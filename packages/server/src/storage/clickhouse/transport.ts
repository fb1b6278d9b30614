/**
 * How the ClickHouse engine talks to ClickHouse: over HTTP to a server (http-transport.ts,
 * @clickhouse/client) or in process (chdb-transport.ts, the chDB library). The engine is the same
 * code over either; every statement is complete SQL text (values already rendered as literals).
 */
export interface ColumnMeta {
  name: string;
  type: string;
}

export interface QueryResult {
  meta: ColumnMeta[];
  data: Array<Record<string, unknown>>;
}

export interface ClickHouseTransport {
  /**
   * `SELECT …` in the transport's database; FORMAT JSON is added by the transport. Aborting
   * `options.signal` stops the statement where the transport can (the HTTP server's KILL QUERY) and
   * rejects the call; a statement not started yet never runs.
   */
  query(text: string, settings?: Settings, options?: { signal?: AbortSignal }): Promise<QueryResult>;
  /** DDL and other statements without a result. */
  command(text: string, settings?: Settings): Promise<void>;
  /** Inserts rows (objects keyed by column) into a table as JSONEachRow. */
  insert(table: string, rows: ReadonlyArray<Record<string, unknown>>, settings?: Settings): Promise<void>;
  close(): Promise<void>;
}

export type Settings = Record<string, string | number>;
