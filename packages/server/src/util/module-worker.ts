import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `file` beside `moduleUrl` (the caller's import.meta.url).
 * From the TypeScript sources (tests) the thread loads it through tsx; from the build it is plain JS.
 */
export function moduleWorker(moduleUrl: string, file: string, workerData: unknown): Worker {
  if (moduleUrl.endsWith('.ts')) {
    const source = new URL(`./${file}.ts`, moduleUrl).href;
    return new Worker(
      `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); })`,
      { eval: true, workerData },
    );
  }
  return new Worker(new URL(`./${file}.js`, moduleUrl), { workerData });
}
