/** Runs lib/cluster-load-generator.ts in a process of its own (so it shares no event loop with anyone). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClusterLoadResult } from './cluster-load-generator.js';

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
  const child = spawn(process.execPath, ['--import', 'tsx', GENERATOR, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.includes('sending\n')) markStarted();
  });
  const done = new Promise<ClusterLoadResult>((resolve, reject) => {
    child.once('exit', (code) => {
      markStarted();
      if (code !== 0) reject(new Error(`cluster load generator exited with ${code}:\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ClusterLoadResult);
    });
  });
  return {
    started,
    done,
    stop: () => {
      if (child.exitCode === null) child.kill('SIGTERM');
    },
  };
}
