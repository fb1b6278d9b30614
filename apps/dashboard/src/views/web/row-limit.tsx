import { type ReactNode, useState } from 'react';

/** Rows a panel lists at first: a glance that keeps the panels side by side about the same height. */
export const PANEL_ROWS = 10;
/** Rows after "Show more": the queries' default page, a full table without paging. */
export const EXPANDED_ROWS = 50;

export interface RowLimit {
  /** The `limit` the panel's query asks for. */
  limit: number;
  /** The button switching between the short and the long list, given how many rows came back. */
  toggle(shown: number): ReactNode;
}

export function useRowLimit(): RowLimit {
  const [expanded, setExpanded] = useState(false);
  return {
    limit: expanded ? EXPANDED_ROWS : PANEL_ROWS,
    toggle: (shown) =>
      expanded || shown >= PANEL_ROWS ? (
        <button type="button" className="link web-more" onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show up to ${EXPANDED_ROWS}`}
        </button>
      ) : null,
  };
}
