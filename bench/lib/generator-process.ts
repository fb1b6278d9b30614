import { type ChildProcess, spawn } from 'node:child_process';

export interface GeneratorProcess<T> {
  /** Resolves when the generator has built its bodies and starts sending (it prints `sending` on stderr). */
  started: Promise<void>;
  /** Its result: the last line it prints on stdout, as JSON. */
  done: Promise<T>;
  child: ChildProcess;
}

/**
 * A load generator script run in a process of its own (so it shares no event loop with anyone),
 * for the benches' generators (load-generator.ts, cluster-load-generator.ts).
 */
export function runGenerator<T>(script: string, args: string[], name: string): GeneratorProcess<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
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
  const done = new Promise<T>((resolve, reject) => {
    child.once('exit', (code) => {
      markStarted();
      if (code !== 0) reject(new Error(`${name} exited with ${code}:\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
    });
  });
  return { started, done, child };
}
