import { createRequire } from 'node:module';
import { SerialQueue } from '../../util/serial-queue.js';
import { literalIdentifier } from './identifiers.js';
import { literal } from './literals.js';
import type { ClickHouseTransport, QueryResult, Settings } from './transport.js';

/** The part of chDB's `Session` this transport uses (chdb is not a dependency: it is loaded by path). */
interface ChdbSession {
  queryAsync(query: string, opts?: { format?: string }): Promise<{ text(): string }>;
  close(): void;
}
interface ChdbModule {
  Session: new (path: string) => ChdbSession;
}

export interface ChdbTransportOptions {
  /** A folder from which `require('chdb')` resolves (chDB is 566 MB, so it is not installed by default). */
  chdbFrom: string;
  /** chDB's data folder. chDB allows one per process: every transport of a process shares it. */
  dataPath: string;
  database: string;
}

/** One chDB session per process, shared; statements run one at a time (each is prefixed by `USE db`). */
let shared: { path: string; session: ChdbSession; users: number; statements: SerialQueue } | null = null;

function settingsPrefix(settings?: Settings): string {
  if (!settings) return '';
  const pairs = Object.entries(settings).map(([k, v]) => `${literalIdentifier(k)} = ${literal(v)}`);
  return pairs.length > 0 ? ` SETTINGS ${pairs.join(', ')}` : '';
}

/** Embedded ClickHouse (chDB, ClickHouse 26.x) behind the same interface as the HTTP server. */
export async function openChdbTransport(options: ChdbTransportOptions): Promise<ClickHouseTransport> {
  const database = literalIdentifier(options.database);
  if (shared && shared.path !== options.dataPath)
    throw new Error(`chDB is already open on ${shared.path}; one data folder per process`);
  if (!shared) {
    const chdb = createRequire(`${options.chdbFrom.replace(/\/$/, '')}/`)('chdb') as ChdbModule;
    shared = {
      path: options.dataPath,
      session: new chdb.Session(options.dataPath),
      users: 0,
      statements: new SerialQueue(),
    };
  }
  const state = shared;
  state.users++;
  const run = (text: string, format?: string, signal?: AbortSignal): Promise<string> => {
    return state.statements.run(async () => {
      // chDB cannot stop a running statement (max_execution_time does); one not started yet is skipped.
      signal?.throwIfAborted();
      try {
        const result = await state.session.queryAsync(`USE ${database}; ${text}`, format ? { format } : {});
        return result.text();
      } catch (error) {
        // chDB keeps what a failed statement (e.g. one past max_execution_time) had written and
        // prepends it to the next statement's output: a throwaway statement takes it instead.
        await state.session.queryAsync('SELECT 1').catch(() => undefined);
        throw error;
      }
    });
  };
  await state.session.queryAsync(`CREATE DATABASE IF NOT EXISTS ${database}`);
  let closed = false;
  return {
    async query(text, settings, options): Promise<QueryResult> {
      const body = JSON.parse(
        await run(`${text}${settingsPrefix(settings)}`, 'JSON', options?.signal),
      ) as QueryResult;
      return { meta: body.meta, data: body.data };
    },
    // Statement settings matter only for the server's Distributed tables, which chDB does not use.
    async command(text) {
      await run(text);
    },
    async insert(table, rows, settings) {
      if (rows.length === 0) return;
      const body = rows.map((r) => JSON.stringify(r)).join('\n');
      await run(
        `INSERT INTO ${literalIdentifier(table)}${settingsPrefix(settings)} FORMAT JSONEachRow\n${body}`,
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      await state.statements.idle();
      // The session stays open for the process's other engines; the last one out closes it.
      if (--state.users === 0 && shared === state) {
        state.session.close();
        shared = null;
      }
    },
  };
}
