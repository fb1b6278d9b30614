/** Runs lib/cluster-load-generator.ts in a process of its own (so it shares no event loop with anyone). */
import { fileURLToPath } from 'node:url';
import type { ClusterLoadResult } from './cluster-load-generator.js';
import { runGenerator } from './generator-process.js';

export type { ClusterLoadResult };

const GENERATOR = fileURLToPath(new URL('./cluster-load-generator.ts', import.meta.url));

export interface ClusterLoadRequest {
  connections: number;
  seconds: number;
  batch: number;
  /** Events/s to pace at; unpaced when absent. */
  rate?: number;
  /** Unpaced: bodies are prebuilt for this many events/s over the run. */
  prebuilt?: number;
}

export interface RunningClusterLoad {
  /** Resolves when the bodies are built and sending starts. */
  started: Promise<void>;
  done: Promise<ClusterLoadResult>;
  /** Ends the run early: requests under way finish, then `done` resolves. */
  stop(): void;
}

export function startClusterLoad(urls: string[], key: string, load: ClusterLoadRequest): RunningClusterLoad {
  const args = [
    ...['--urls', urls.join(','), '--key', key, '--batch', String(load.batch)],
    ...['--connections', String(load.connections), '--seconds', String(load.seconds)],
    ...['--rate', String(load.rate ?? 0), '--prebuilt', String(load.prebuilt ?? 40_000)],
  ];
  const { started, done, child } = runGenerator<ClusterLoadResult>(GENERATOR, args, 'cluster load generator');
  return {
    started,
    done,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
