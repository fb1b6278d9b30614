import { randomUUID } from 'node:crypto';
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { literalIdentifier } from './identifiers.js';
import { literal } from './literals.js';
import type { ClickHouseTransport, QueryResult, Settings } from './transport.js';

export interface HttpTransportOptions {
  /** e.g. http://127.0.0.1:8123 (user and password may be in the URL). */
  url: string;
  database: string;
}

/**
 * A ClickHouse server over HTTP. DDL goes as POST like every other statement (18.16 refuses
 * writes over GET). The server's keep_alive_timeout must exceed the client's idle socket TTL.
 */
export async function openHttpTransport(options: HttpTransportOptions): Promise<ClickHouseTransport> {
  // The client's own logger prints failing queries with their literals: errors reach the caller instead.
  const base = {
    url: options.url,
    keep_alive: { idle_socket_ttl: 2_500 },
    log: { level: ClickHouseLogLevel.OFF },
  };
  const admin = createClient(base);
  try {
    await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${literalIdentifier(options.database)}` });
  } finally {
    await admin.close();
  }
  return new HttpTransport(createClient({ ...base, database: options.database }));
}

class HttpTransport implements ClickHouseTransport {
  constructor(private readonly client: ClickHouseClient) {}

  async query(text: string, settings?: Settings, options?: { signal?: AbortSignal }): Promise<QueryResult> {
    const signal = options?.signal;
    if (!signal) return this.run(text, settings);
    signal.throwIfAborted();
    const queryId = randomUUID();
    // Closing the HTTP request alone does not stop the server's work: it is killed by its id.
    let killed: Promise<void> | null = null;
    const kill = () => {
      killed = this.client
        .command({ query: `KILL QUERY WHERE query_id = ${literal(queryId)} ASYNC` })
        .then(() => undefined)
        .catch(() => undefined);
    };
    signal.addEventListener('abort', kill, { once: true });
    try {
      return await this.run(text, settings, { query_id: queryId, abort_signal: signal });
    } catch (error) {
      // Settles once the server was told to stop, so a caller waiting for it knows it is free.
      if (killed) await killed;
      throw signal.aborted ? signal.reason : error;
    } finally {
      signal.removeEventListener('abort', kill);
    }
  }

  private async run(
    text: string,
    settings?: Settings,
    cancel: { query_id?: string; abort_signal?: AbortSignal } = {},
  ): Promise<QueryResult> {
    const result = await this.client.query({
      query: text,
      format: 'JSON',
      ...(settings ? { clickhouse_settings: settings } : {}),
      ...cancel,
    });
    const body = (await result.json()) as unknown as QueryResult;
    return { meta: body.meta, data: body.data };
  }

  async command(text: string, settings?: Settings): Promise<void> {
    await this.client.command({ query: text, ...(settings ? { clickhouse_settings: settings } : {}) });
  }

  async insert(
    table: string,
    rows: ReadonlyArray<Record<string, unknown>>,
    settings?: Settings,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({
      table,
      values: rows as Array<Record<string, unknown>>,
      format: 'JSONEachRow',
      ...(settings ? { clickhouse_settings: settings } : {}),
    });
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
