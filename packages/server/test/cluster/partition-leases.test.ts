import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useNatsCluster } from '../support/nats-cluster.js';

const CHILD = fileURLToPath(new URL('./lease-child.ts', import.meta.url));
const PARTITIONS = 8;
const LEASE_MS = 3_000;

interface Report {
  node: string;
  owned: number[];
  at: number;
}

/** Every ownership report of every node, in the order the nodes made them (their clock is this machine's). */
class Ownership {
  readonly reports: Report[] = [];
  private readonly waiters: Array<() => void> = [];

  add(report: Report): void {
    this.reports.push(report);
    for (const wake of this.waiters.splice(0)) wake();
  }

  latest(): Map<string, number[]> {
    const byNode = new Map<string, number[]>();
    for (const r of [...this.reports].sort((a, b) => a.at - b.at)) byNode.set(r.node, r.owned);
    return byNode;
  }

  /** Resolves once `check` holds of the latest reports (or fails after `ms`). */
  async until(check: (latest: Map<string, number[]>) => boolean, ms: number): Promise<number> {
    const started = Date.now();
    while (!check(this.latest())) {
      if (Date.now() - started > ms)
        throw new Error(`not within ${ms} ms: ${JSON.stringify([...this.latest()])}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return Date.now() - started;
  }

  /** Replays the reports in time order: no partition is ever held by two nodes at once. */
  overlaps(): string[] {
    const held = new Map<string, number[]>();
    const problems: string[] = [];
    for (const r of [...this.reports].sort((a, b) => a.at - b.at)) {
      held.set(r.node, r.owned);
      const seen = new Map<number, string>();
      for (const [node, owned] of held)
        for (const p of owned) {
          const other = seen.get(p);
          if (other) problems.push(`partition ${p} held by ${other} and ${node} at ${r.at}`);
          seen.set(p, node);
        }
    }
    return problems;
  }
}

const counts = (latest: Map<string, number[]>, nodes: string[]) =>
  nodes.map((n) => latest.get(n)?.length ?? 0);
const all = (latest: Map<string, number[]>) => [...latest.values()].flat().sort((a, b) => a - b);
const EVERY = Array.from({ length: PARTITIONS }, (_, p) => p);

describe('partition leases (3-node NATS cluster)', () => {
  const { cluster, closeAfter } = useNatsCluster(3);

  function startNode(bucket: string, node: string, ownership: Ownership): ChildProcess {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CHILD,
        cluster().servers.join(','),
        bucket,
        node,
        String(PARTITIONS),
        String(LEASE_MS),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    closeAfter(async () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.trim()) ownership.add(JSON.parse(line) as Report);
    });
    return child;
  }

  it('shares the partitions, hands a joining node its share, and takes over a killed node’s', async () => {
    const ownership = new Ownership();
    const a = startNode('leases-kill', 'a', ownership);
    await ownership.until((l) => counts(l, ['a'])[0] === PARTITIONS, 30_000);
    startNode('leases-kill', 'b', ownership);
    const rebalanced = await ownership.until(
      (l) => counts(l, ['a', 'b']).join() === '4,4' && all(l).join() === EVERY.join(),
      30_000,
    );

    a.kill('SIGKILL');
    const killedAt = Date.now();
    // A killed node processes nothing from now on, whatever it last said it held.
    ownership.add({ node: 'a', owned: [], at: killedAt });
    const takeover = await ownership.until((l) => counts(l, ['b'])[0] === PARTITIONS, 30_000);
    console.log(
      `[leases] ${PARTITIONS} partitions, lease ${LEASE_MS} ms: a joining node had its share after ${rebalanced} ms; ` +
        `a SIGKILLed node's partitions were all taken over ${takeover} ms after the kill`,
    );
    // Its leases expire LEASE_MS after their last renewal (at most LEASE_MS / 3 before the kill),
    // then the survivor's next round (every LEASE_MS / 3) takes them; JetStream expires entries
    // about once a second.
    expect(Date.now() - killedAt).toBeLessThanOrEqual(LEASE_MS + LEASE_MS / 3 + 2_500);
    expect(ownership.overlaps(), JSON.stringify(ownership.reports)).toEqual([]);
  });

  it('a node that stops gives its partitions back at once', async () => {
    const ownership = new Ownership();
    const a = startNode('leases-stop', 'a', ownership);
    startNode('leases-stop', 'b', ownership);
    await ownership.until((l) => counts(l, ['a', 'b']).join() === '4,4', 30_000);
    a.kill('SIGTERM');
    const handedOver = await ownership.until((l) => counts(l, ['b'])[0] === PARTITIONS, 30_000);
    console.log(`[leases] a stopping node's partitions were taken over ${handedOver} ms after its SIGTERM`);
    // No waiting for expiry: the survivor's next round (every LEASE_MS / 3) finds them free.
    expect(handedOver).toBeLessThan(LEASE_MS);
    expect(ownership.overlaps(), JSON.stringify(ownership.reports)).toEqual([]);
  });
});
