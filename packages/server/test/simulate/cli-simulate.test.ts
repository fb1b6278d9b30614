import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startSightline, waitForExport } from '../../../../e2e/support/sightline.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../bin/sightline.js', import.meta.url));

describe('sightline simulate and demo traffic (built CLI)', () => {
  it('simulate --rate --duration sends through the capture API and prints a summary', {
    timeout: 60_000,
  }, async () => {
    const server = await startSightline();
    try {
      const { stdout } = await run(process.execPath, [
        BIN,
        'simulate',
        '--url',
        server.url,
        '--data-dir',
        server.dataDir,
        '--rate',
        '100',
        '--duration',
        '2',
        '--seed',
        '5',
        '--rage-clicks',
        '0.5',
      ]);
      const sent = Number(/events:\s+(\d+) sent, (\d+) accepted/.exec(stdout)?.[1]);
      const accepted = Number(/events:\s+\d+ sent, (\d+) accepted/.exec(stdout)?.[1]);
      expect(stdout).toMatch(/sessions: \d+ started/);
      expect(stdout).toMatch(/errors:\s+0 failed requests/);
      expect(sent).toBeGreaterThan(0);
      expect(accepted).toBe(sent);
      expect(await server.exportEvents()).toHaveLength(sent);
    } finally {
      await server.stop();
    }
  });

  it('simulate without a key or server says what to do', async () => {
    const failed = await run(
      process.execPath,
      [BIN, 'simulate', '--data-dir', '/nonexistent-dir', '--duration', '1'],
      {
        env: { ...process.env, SIGHTLINE_PUBLIC_KEY: '' },
      },
    ).catch((e: { stderr: string; code: number }) => e);
    expect('code' in failed && failed.code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/no public key: pass --key/);
  });

  it('start --demo sends demo traffic: events within 10 s; the banner says so; SIGTERM still exits 0', {
    timeout: 60_000,
  }, async () => {
    const server = await startSightline({ demo: true, env: { SIGHTLINE_DEMO_TRAFFIC: '1' } });
    try {
      const startedAt = Date.now();
      expect(server.output()).toMatch(/demo traffic: on/);
      // Keys given through the environment are the operator's: the banner never prints the secret.
      expect(server.output()).toContain(`dashboard:   ${server.url}/`);
      expect(server.output()).not.toContain(server.secretKey);
      expect(server.output()).toContain(`${server.url}/demo/`);
      const events = await waitForExport(server, (e) => e.length >= 5, 10_000);
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      expect(events.length).toBeGreaterThanOrEqual(5);
      expect(events.map((e) => e.event)).toContain('page_view');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(server.output()).toContain('Sightline stopped.');
  });

  it('--no-demo-traffic (and SIGHTLINE_DEMO_TRAFFIC=0, the test default) sends nothing', {
    timeout: 30_000,
  }, async () => {
    const server = await startSightline({ demo: true });
    try {
      expect(server.output()).toMatch(/demo traffic: off/);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await server.exportEvents()).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });

  it('without --demo (the default) there is no demo traffic, even with SIGHTLINE_DEMO_TRAFFIC=1', {
    timeout: 30_000,
  }, async () => {
    const server = await startSightline({ env: { SIGHTLINE_DEMO_TRAFFIC: '1' } });
    try {
      expect(server.output()).not.toMatch(/demo app:|demo traffic:/);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await server.exportEvents()).toHaveLength(0);
    } finally {
      await server.stop();
    }
  });
});
