import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredEvent } from '../../packages/server/src/storage/engine.js';

const BIN = fileURLToPath(new URL('../../packages/server/bin/sightline.js', import.meta.url));

/** A line of `GET /v1/export`: the stored columns, with `properties` as the object received. */
export type ExportedEvent = Omit<StoredEvent, 'project_id' | 'properties'> & {
  properties: Record<string, unknown>;
};

export interface SightlineProcess {
  url: string;
  port: number;
  dataDir: string;
  publicKey: string;
  secretKey: string;
  child: ChildProcess;
  /** Everything the server printed so far. */
  output(): string;
  /** SIGTERM, then wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to flush anything. */
  kill(): Promise<void>;
  exportEvents(): Promise<ExportedEvent[]>;
}

export interface StartOptions {
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
  /** Fixed keys, so a restarted server keeps them (default: fixed per call). */
  publicKey?: string;
  secretKey?: string;
  /** `--demo` (true) or `--no-demo` (false): the demo app and its API (off unless asked for). */
  demo?: boolean;
}

let counter = 0;

/** Starts the built `sightline start` as a child process on 127.0.0.1 and waits for its banner. */
export async function startSightline(options: StartOptions = {}): Promise<SightlineProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sightline-test-'));
  const publicKey = options.publicKey ?? `sl_pub_test${process.pid}x${++counter}`;
  const secretKey = options.secretKey ?? `sl_sec_test${process.pid}x${counter}`;
  const child = spawn(
    process.execPath,
    [
      BIN,
      'start',
      '--port',
      String(options.port ?? 0),
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
      ...(options.demo === undefined ? [] : [options.demo ? '--demo' : '--no-demo']),
    ],
    {
      env: {
        ...process.env,
        SIGHTLINE_PUBLIC_KEY: publicKey,
        SIGHTLINE_SECRET_KEY: secretKey,
        // Tests count the events they send: no simulated demo traffic unless a test asks for it.
        SIGHTLINE_DEMO_TRAFFIC: '0',
        // The demo is off unless a test asks for it (`demo: true`), whatever the calling shell says.
        SIGHTLINE_DEMO: '',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sightline did not start in 30 s:\n${output}`)), 30_000);
    const check = () => {
      const match = /Sightline listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`sightline exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    publicKey,
    secretKey,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async exportEvents() {
      const res = await fetch(`${url}/v1/export`, { headers: { authorization: `Bearer ${secretKey}` } });
      if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
      const text = await res.text();
      return text
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as ExportedEvent);
    },
  };
}

/**
 * Polls the export until `done` holds for the events stored so far, or the deadline passes; returns
 * what it saw last (assert on that). An export failure carries the server's output.
 */
export async function waitForExport(
  sightline: SightlineProcess,
  done: (events: ExportedEvent[]) => boolean,
  timeoutMs = 30_000,
): Promise<ExportedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await sightline.exportEvents().catch((error: Error) => {
      throw new Error(`export failed (${error.message}); server output:\n${sightline.output()}`);
    });
    if (done(events) || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
