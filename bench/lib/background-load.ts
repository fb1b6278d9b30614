import { fileURLToPath } from 'node:url';
import { BUDGETS } from './budgets.js';
import { runGenerator } from './generator-process.js';

const GENERATOR = fileURLToPath(new URL('../load-generator.ts', import.meta.url));

/** What bench/load-generator.ts prints: 503s are neither acknowledged nor counted in `failed`. */
export interface LoadResult {
  eventsPerSecond: number;
  acked: number;
  /** Requests answered 503 (overloaded, storage unavailable, shutting down). */
  unavailable: number;
  /** Requests answered anything else but 200. */
  failed: number;
  p50: number;
  p99: number;
  max: number;
  bytesPerEvent: number;
}

export interface LoadRequest {
  connections: number;
  seconds: number;
  mode: 'plain' | 'gzip';
  /** Events/s to pace at; unpaced (as fast as acknowledged) when absent. */
  rate?: number;
  /** Events per request (default 50). */
  batch?: number;
  /** Bodies are a function of (key, batch, mode, seed, now): give both to send the same bodies twice. */
  seed?: number;
  now?: number;
}

/** Where the load goes: the bodies carry `publicKey`. */
export interface LoadTarget {
  url: string;
  publicKey: string;
}

export interface RunningLoad {
  /** Resolves when the generator has built its bodies and starts sending. */
  started: Promise<void>;
  done: Promise<LoadResult>;
}

/** Starts bench/load-generator.ts in its own process (so it shares no event loop with anyone). */
export function startLoadGenerator(target: LoadTarget, load: LoadRequest): RunningLoad {
  const args = [
    ...['--url', target.url, '--key', target.publicKey],
    ...['--connections', String(load.connections), '--seconds', String(load.seconds)],
    ...['--body', load.mode, '--rate', String(load.rate ?? 0), '--batch', String(load.batch ?? 50)],
    ...(load.seed === undefined ? [] : ['--seed', String(load.seed)]),
    ...(load.now === undefined ? [] : ['--now', String(load.now)]),
  ];
  const { started, done } = runGenerator<LoadResult>(GENERATOR, args, 'load generator');
  return { started, done };
}

/** Runs the load generator to the end; resolves with its result. */
export function runLoadGenerator(target: LoadTarget, load: LoadRequest): Promise<LoadResult> {
  return startLoadGenerator(target, load).done;
}

/**
 * The fixed-rate load lag, live updates and interventions are measured under: the SDK's 50-event
 * batches at BUDGETS.loadEventsPerSecond (20k: 400 requests/s) spread over 16 connections.
 */
export function fixedRateLoad(seconds: number): LoadRequest {
  return { connections: 16, seconds, mode: 'plain', rate: BUDGETS.loadEventsPerSecond, batch: 50 };
}
