import type { LogOffset } from '../../log/event-log.js';
import type { LogReaderHandoff } from '../../log/file/worker-reader.js';
import type { InterventionRule } from '../../storage/processor-records.js';
import type { CommittedOutputs, ProcessorOptions, ProcessorStore } from '../processor.js';

/** The store calls the processor thread makes through the HTTP thread's engine. */
export type StoreOp = Exclude<keyof ProcessorStore, 'health'>;

/** What the processor thread starts with (structured-clonable). */
export interface ProcessorThreadData {
  log: LogReaderHandoff;
  /** The log's start when the thread started: events before it are read from the store. */
  logStart: LogOffset;
  /** Where the thread publishes its checkpoint (a DurableEnd cell: the next log offset whose outputs are not stored). */
  position: SharedArrayBuffer;
  /** Where it publishes where a restart would replay from (its last saved state's seq). */
  replayFrom: SharedArrayBuffer;
  /** Options without functions (the thread uses its own wall clock). */
  options: Partial<Omit<ProcessorOptions, 'wallClock'>>;
  /** Projects with rules of their own (the rest use the defaults). */
  rules: Array<[projectId: string, rules: InterventionRule[]]>;
}

/** HTTP thread → processor thread. */
export type ToProcessor =
  | { kind: 'store-result'; id: number; ok: true; value: unknown }
  | { kind: 'store-result'; id: number; ok: false; message: string; storeHealthy: boolean }
  | { kind: 'rules'; projectId: string; rules: InterventionRule[] | null }
  | { kind: 'drain'; id: number }
  | { kind: 'stop'; id: number };

/** Processor thread → HTTP thread. */
export type FromProcessor =
  | { kind: 'store'; id: number; op: StoreOp; args: unknown[] }
  | { kind: 'committed'; outputs: CommittedOutputs }
  | { kind: 'started'; ok: true }
  | { kind: 'started'; ok: false; message: string }
  | { kind: 'done'; id: number; ok: true }
  | { kind: 'done'; id: number; ok: false; message: string };
