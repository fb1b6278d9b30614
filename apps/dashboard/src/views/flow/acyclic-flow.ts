export interface Transition {
  from: string;
  to: string;
  count: number;
}

export interface AcyclicFlow {
  /** The transitions kept: together they form a DAG, as a sankey diagram needs. */
  links: Transition[];
  /** Self-loops (a → a) and back-edges left out; shown as a count beside the chart. */
  dropped: Transition[];
}

/**
 * Users go back and forth (page A → B → A), so transitions can form cycles, and ECharts' sankey
 * refuses cyclic data. Transitions are taken strongest first and one that would close a cycle
 * (its target already reaches its source) is dropped: the main flow stays and only the weaker
 * back-edges go, which the view reports.
 */
export function acyclicFlow(transitions: readonly Transition[]): AcyclicFlow {
  const next = new Map<string, Set<string>>();
  const reaches = (start: string, goal: string): boolean => {
    const seen = new Set<string>([start]);
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === goal) return true;
      for (const n of next.get(node) ?? []) {
        if (!seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return false;
  };
  const links: Transition[] = [];
  const dropped: Transition[] = [];
  const strongestFirst = [...transitions].sort((a, b) => b.count - a.count);
  for (const t of strongestFirst) {
    if (t.from === t.to || reaches(t.to, t.from)) {
      dropped.push(t);
      continue;
    }
    const targets = next.get(t.from) ?? new Set<string>();
    targets.add(t.to);
    next.set(t.from, targets);
    links.push(t);
  }
  return { links, dropped };
}
