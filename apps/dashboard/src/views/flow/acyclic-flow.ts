export interface Transition {
  from: string;
  to: string;
  count: number;
}

export interface AcyclicFlow {
  /** The transitions kept: together they form a DAG, as a sankey diagram needs. */
  links: Transition[];
  /** Self-loops (a → a) and back-edges left out; the view says how many. */
  dropped: Transition[];
}

/**
 * Users go back and forth (page A → B → A, a `journey_step` between different steps), so the
 * transitions form cycles, and ECharts' sankey refuses cyclic data. The nodes are put in one
 * order with the greedy heuristic of Eades, Lin & Smyth (1993) for a small feedback arc set —
 * sources first, sinks last, otherwise the node with the largest (outflow − inflow) next — and
 * only the transitions pointing forward in that order are drawn. The dropped back-edges are the
 * light ones in practice, and the main path keeps its natural left-to-right order (entry pages
 * first), which "drop the weakest edge of each cycle" does not guarantee.
 */
export function acyclicFlow(transitions: readonly Transition[]): AcyclicFlow {
  const selfLoops = transitions.filter((t) => t.from === t.to);
  const edges = transitions.filter((t) => t.from !== t.to);
  const order = eadesOrder(edges);
  const position = new Map(order.map((node, i) => [node, i]));
  const links: Transition[] = [];
  const dropped: Transition[] = [...selfLoops];
  for (const t of edges) (position.get(t.from)! < position.get(t.to)! ? links : dropped).push(t);
  return { links, dropped };
}

function eadesOrder(edges: readonly Transition[]): string[] {
  const remaining = new Set(edges.flatMap((e) => [e.from, e.to]));
  const weight = (node: string, direction: 'out' | 'in') =>
    edges
      .filter((e) => (direction === 'out' ? e.from === node : e.to === node))
      .filter((e) => remaining.has(e.from) && remaining.has(e.to))
      .reduce((sum, e) => sum + e.count, 0);
  const hasEdge = (node: string, direction: 'out' | 'in') =>
    edges.some(
      (e) =>
        (direction === 'out' ? e.from === node : e.to === node) &&
        remaining.has(e.from) &&
        remaining.has(e.to),
    );
  const front: string[] = [];
  const back: string[] = [];
  // Sorted, so equal inputs always give the same drawing.
  const nodes = () => [...remaining].sort();
  while (remaining.size > 0) {
    let changed = true;
    while (changed) {
      changed = false;
      for (const node of nodes()) {
        if (!hasEdge(node, 'out')) {
          remaining.delete(node);
          back.unshift(node);
          changed = true;
        } else if (!hasEdge(node, 'in')) {
          remaining.delete(node);
          front.push(node);
          changed = true;
        }
      }
    }
    if (remaining.size === 0) break;
    let best = '';
    let bestDelta = Number.NEGATIVE_INFINITY;
    for (const node of nodes()) {
      const delta = weight(node, 'out') - weight(node, 'in');
      if (delta > bestDelta) {
        best = node;
        bestDelta = delta;
      }
    }
    remaining.delete(best);
    front.push(best);
  }
  return [...front, ...back];
}
