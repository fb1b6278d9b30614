import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startSightline } from '../../../e2e/support/sightline.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/sightline.js', import.meta.url));

async function send(url: string, key: string, count: number): Promise<string[]> {
  const uuids = Array.from({ length: count }, () => randomUUID());
  const res = await fetch(`${url}/v1/events`, {
    method: 'POST',
    body: JSON.stringify({
      api_key: key,
      batch: uuids.map((uuid) => ({ uuid, event: 'cli_test', distinct_id: 'd' })),
    }),
  });
  expect(res.status).toBe(200);
  return uuids;
}

describe('sightline CLI', () => {
  it('start prints the URL and both keys, generates keys once and keeps them', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-cli-'));
    const first = await startSightline({
      dataDir,
      env: { SIGHTLINE_PUBLIC_KEY: '', SIGHTLINE_SECRET_KEY: '' },
    });
    const printed = first.output();
    const pub = /public key:\s+(sl_pub_\S+)/.exec(printed)?.[1];
    const sec = /secret key:\s+(sl_sec_\S+)/.exec(printed)?.[1];
    expect(pub).toBeDefined();
    expect(sec).toBeDefined();
    expect((statSync(join(dataDir, 'keys.json')).mode & 0o777).toString(8)).toBe('600');
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    await send(first.url, pub!, 3);
    expect(await first.stop()).toBe(0);

    const second = await startSightline({
      dataDir,
      env: { SIGHTLINE_PUBLIC_KEY: '', SIGHTLINE_SECRET_KEY: '' },
    });
    // The public key is public; the secret is shown in full only at the start that generated it.
    expect(second.output()).toContain(pub!);
    expect(second.output()).not.toContain(sec!);
    expect(second.output()).toMatch(new RegExp(`secret key:\\s+sl_sec_…${sec!.slice(-4)}`));
    expect(second.output()).toContain(join(dataDir, 'keys.json'));
    expect(await second.stop()).toBe(0);
  });

  it('SIGTERM finishes what was accepted, closes the database and exits 0; export works offline', async () => {
    const server = await startSightline();
    const uuids = await send(server.url, server.publicKey, 20);
    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('Sightline stopped.');

    const out = join(server.dataDir, 'export.ndjson');
    const { stderr } = await run(process.execPath, [
      BIN,
      'export',
      '--data-dir',
      server.dataDir,
      '--out',
      out,
    ]);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { uuid: string });
    expect(lines.map((l) => l.uuid).sort()).toEqual([...uuids].sort());
    expect(stderr).toMatch(/20\/20 events/);
  });

  it('refuses to open a data dir a running server owns, with a clear message', async () => {
    const server = await startSightline();
    try {
      const failed = await run(process.execPath, [BIN, 'export', '--data-dir', server.dataDir]).catch(
        (e: { stderr: string; code: number }) => e,
      );
      expect('code' in failed && failed.code).toBe(1);
      expect((failed as { stderr: string }).stderr).toMatch(/in use by another process/);
    } finally {
      await server.stop();
    }
  });

  it('project create makes a second project with its own keys', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-cli-'));
    await (await startSightline({ dataDir })).stop();
    const { stdout } = await run(process.execPath, [BIN, 'project', 'create', 'shop', '--data-dir', dataDir]);
    const pub = /public key:\s+(sl_pub_\S+)/.exec(stdout)?.[1];
    expect(pub).toBeDefined();
    const server = await startSightline({ dataDir });
    try {
      await send(server.url, pub!, 2);
      expect(await server.exportEvents()).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });
});
