/**
 * The user-flow sankey's margins inside its canvas. Node labels sit to the right of their node,
 * so the right margin leaves room for the last column's names; the browser test reads the same
 * numbers to know where the diagram must be painted.
 */
export const SANKEY_MARGINS = { left: 8, right: 96, top: 8, bottom: 8 } as const;

/** A node's bar: narrow, so the column's room goes to its label. */
export const SANKEY_NODE_WIDTH = 16;
/** Characters of an 11 px node label per line: about 80 px, what a column leaves beside its node. */
export const SANKEY_LABEL_CHARS = 13;
/** Lines of a node label; a longer name ends in "…" (the node's tooltip has it whole). */
export const SANKEY_LABEL_LINES = 3;
/**
 * Room per column of nodes: the node, a gap and the label. Twelve columns (a common depth for
 * event flows) then fit a 1280 px screen; fewer fit narrower ones.
 */
export const SANKEY_COLUMN_WIDTH = 100;
/** Below this the sankey scrolls sideways instead of squeezing its labels together. */
const MIN_SANKEY_WIDTH = 640;

/**
 * How many columns ECharts lays the nodes out in: the longest path, counted in nodes, through the
 * (acyclic) links, since each node goes one column right of its furthest predecessor.
 */
export function sankeyColumns(links: ReadonlyArray<{ from: string; to: string }>): number {
  const incoming = new Map<string, number>();
  const next = new Map<string, string[]>();
  for (const l of links) {
    incoming.set(l.to, (incoming.get(l.to) ?? 0) + 1);
    incoming.set(l.from, incoming.get(l.from) ?? 0);
    next.set(l.from, [...(next.get(l.from) ?? []), l.to]);
  }
  const column = new Map<string, number>();
  const ready = [...incoming].filter(([, n]) => n === 0).map(([node]) => node);
  for (const node of ready) column.set(node, 1);
  while (ready.length > 0) {
    const node = ready.pop()!;
    for (const to of next.get(node) ?? []) {
      column.set(to, Math.max(column.get(to) ?? 0, column.get(node)! + 1));
      const left = incoming.get(to)! - 1;
      incoming.set(to, left);
      if (left === 0) ready.push(to);
    }
  }
  return Math.max(0, ...column.values());
}

/** The width below which the sankey scrolls: every column keeps room for its labels. */
export const sankeyMinWidth = (columns: number): number =>
  Math.max(
    MIN_SANKEY_WIDTH,
    SANKEY_MARGINS.left + SANKEY_MARGINS.right + (columns - 1) * SANKEY_COLUMN_WIDTH,
  );
