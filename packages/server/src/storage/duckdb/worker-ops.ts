import type { DuckDBValue } from '@duckdb/node-api';
import type { ExportRange, InsertResult, QueryRow, RecordStorage, StoredEvent } from '../engine.js';
import type { LogLoaderArgs } from '../log-loading.js';
import type { EventColumns } from './columns.js';

/** What only DuckDB's thread does: events, reads, exports, the rollup, health and lifecycle. */
export interface EngineOps {
  insertEvents(cols: EventColumns): Promise<InsertResult>;
  /** Starts moving the event log into `events` on this thread (log-loader.ts); failures arrive as `loaderFailed`. */
  startLogLoader(args: LogLoaderArgs): void;
  /** The stored events' fingerprints (capture's duplicate check). */
  eventFingerprints(): Promise<{ hi: Uint32Array; lo: Uint32Array }>;
  readEventsAfter(afterSeq: number, limit: number): Promise<StoredEvent[]>;
  countEvents(projectId: string, range: ExportRange): Promise<number>;
  /** Opens an export; read it with exportNext until it returns null. */
  exportOpen(projectId: string, range: ExportRange): Promise<number>;
  exportNext(id: number): Promise<StoredEvent[] | null>;
  exportClose(id: number): void;
  /** `requestId` names the read for `interrupt` (the client passes its own request id). */
  query(text: string, values: DuckDBValue[], requestId: number): Promise<QueryRow[]>;
  interrupt(requestId: number): void;
  probeWrite(): Promise<void>;
  refreshSessionRollup(now?: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * Every call the database thread answers, by name, with its signature: the worker's dispatcher is
 * an object of this type and WorkerClient.call is typed from it, so a call and its handler cannot
 * disagree on arguments or result. The record methods are StorageEngine's own (records/).
 */
export type WorkerOps = EngineOps & RecordStorage;
export type WorkerOp = keyof WorkerOps;
export type WorkerArgs<K extends WorkerOp> = Parameters<WorkerOps[K]>;
export type WorkerResult<K extends WorkerOp> = Awaited<ReturnType<WorkerOps[K]>>;

/** One request: an op and its arguments, as the op's signature has them. */
export type WorkerRequest = { [K in WorkerOp]: { id: number; op: K; args: WorkerArgs<K> } }[WorkerOp];

export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { message: string } }
  | { id: 0; ready: true }
  | { id: 0; ready: false; error: { message: string } }
  /** Not an answer: the loader (log-loader.ts) failed a batch and will retry. */
  | { id: -1; loaderFailed: { message: string } };
