/**
 * What the cluster nodes say of themselves while a cluster bench runs: every 500 ms, each node's
 * `GET /healthz` → `cluster` (owned partitions, loader and processor backlog in events) and the
 * lease bucket's holders, so the tables can show whether loading and processing kept up and
 * whether a partition was ever claimed by two nodes at once or held by none.
 */
import type { ClusterGroup } from './cluster-nodes.js';

interface NodeHealth {
  owned_partitions?: number[];
  loader_lag_events?: number;
  processor_lag_events?: number;
}

export interface ClusterHealthSummary {
  samples: number;
  /** Samples in which no node answered with `cluster` figures. */
  missing: number;
  /** Loader and processor backlog summed over the nodes: the largest sampled, and the last. */
  maxLoaderLag: number;
  maxProcessorLag: number;
  endProcessorLag: number;
  /** Samples in which two nodes' owned_partitions shared a partition. */
  doublyOwned: number;
  /** Samples in which the lease bucket listed fewer holders than partitions. */
  unleased: number;
}

async function nodeHealth(url: string): Promise<NodeHealth | undefined> {
  try {
    const res = await fetch(`${url}/healthz`);
    const body = (await res.json()) as { cluster?: NodeHealth };
    return body.cluster;
  } catch {
    return undefined;
  }
}

export function sampleClusterHealth(
  group: ClusterGroup,
  everyMs = 500,
): { stop(): Promise<ClusterHealthSummary> } {
  const summary: ClusterHealthSummary = {
    samples: 0,
    missing: 0,
    maxLoaderLag: 0,
    maxProcessorLag: 0,
    endProcessorLag: 0,
    doublyOwned: 0,
    unleased: 0,
  };
  let stopped = false;
  const sample = async () => {
    const [healths, owners] = await Promise.all([
      Promise.all(group.nodes.map((n) => nodeHealth(n.url))),
      group.owners().catch(() => undefined),
    ]);
    summary.samples++;
    const known = healths.filter((h): h is NodeHealth => h?.processor_lag_events !== undefined);
    if (known.length === 0) summary.missing++;
    const sum = (f: (h: NodeHealth) => number | undefined) => known.reduce((n, h) => n + (f(h) ?? 0), 0);
    summary.maxLoaderLag = Math.max(
      summary.maxLoaderLag,
      sum((h) => h.loader_lag_events),
    );
    summary.endProcessorLag = sum((h) => h.processor_lag_events);
    summary.maxProcessorLag = Math.max(summary.maxProcessorLag, summary.endProcessorLag);
    const claimed = known.flatMap((h) => h.owned_partitions ?? []);
    if (new Set(claimed).size < claimed.length) summary.doublyOwned++;
    if (owners && owners.size < group.partitions) summary.unleased++;
  };
  const loop = (async () => {
    while (!stopped) {
      const next = performance.now() + everyMs;
      await sample();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return summary;
    },
  };
}

/** A table cell: backlog and lease figures, or why there are none. */
export function healthCell(s: ClusterHealthSummary): string {
  if (s.missing === s.samples) return '— (no `cluster` in /healthz)';
  return `processor max ${s.maxProcessorLag.toLocaleString('en-US')} / end ${s.endProcessorLag.toLocaleString('en-US')}, loader max ${s.maxLoaderLag.toLocaleString('en-US')}; ${s.doublyOwned} of ${s.samples} samples with a partition owned by 2 nodes (their \`owned_partitions\` overlap), ${s.unleased} with the lease bucket listing fewer holders than partitions`;
}
