import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.js';

const HERE = new URL('.', import.meta.url);
export const CLICKHOUSE_BINARY = 'clickhouse-server';
export const MISSING_CLICKHOUSE =
  "clickhouse-server is not installed: run .ci/run (it installs Debian's clickhouse-server with apt), or `apt-get install -y clickhouse-server`";

export interface RunningClickHouse {
  url: string;
  stop(): Promise<void>;
}

export function clickhouseInstalled(): boolean {
  return spawnSync('sh', ['-c', `command -v ${CLICKHOUSE_BINARY}`]).status === 0;
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`clickhouse-server exited (${child.exitCode}):\n${output()}`);
    try {
      const response = await fetch(`${url}/ping`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`clickhouse-server did not answer on ${url} within 30 s:\n${output()}`);
}

/**
 * Starts clickhouse-server as a child process from the repo's config.xml + users.xml (copied into
 * a temp dir with free ports and the data path filled in), on 127.0.0.1 only.
 */
export async function startClickHouse(): Promise<RunningClickHouse> {
  if (!clickhouseInstalled()) throw new Error(MISSING_CLICKHOUSE);
  const dir = mkdtempSync(join(tmpdir(), 'sightline-clickhouse-'));
  const [http, tcp] = [await freePort(), await freePort()];
  const config = readFileSync(new URL('config.xml', HERE), 'utf8')
    .replace('<http_port>8123</http_port>', `<http_port>${http}</http_port>`)
    .replaceAll('9000<', `${tcp}<`)
    .replaceAll('/tmp/sightline-clickhouse/', `${dir}/`);
  writeFileSync(join(dir, 'config.xml'), config);
  writeFileSync(join(dir, 'users.xml'), readFileSync(new URL('users.xml', HERE)));
  const child = spawn(CLICKHOUSE_BINARY, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${http}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}
