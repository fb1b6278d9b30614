import { describe, expect, it } from 'vitest';
import { acyclicFlow } from '../../apps/dashboard/src/views/flow/acyclic-flow.js';

describe('user flow → sankey links', () => {
  it('keeps a DAG: drops self-loops and the weaker edge of each cycle', () => {
    const { links, dropped } = acyclicFlow([
      { from: 'a', to: 'b', count: 10 },
      { from: 'b', to: 'a', count: 3 },
      { from: 'b', to: 'c', count: 8 },
      { from: 'c', to: 'a', count: 2 },
      { from: 'c', to: 'c', count: 5 },
    ]);
    expect(links.map((l) => `${l.from}>${l.to}`)).toEqual(['a>b', 'b>c']);
    expect(dropped.map((l) => `${l.from}>${l.to}`).sort()).toEqual(['b>a', 'c>a', 'c>c']);
  });

  it('keeps every edge of a flow without cycles', () => {
    const transitions = [
      { from: 'page_view', to: 'file_selected', count: 5 },
      { from: 'file_selected', to: 'upload_started', count: 4 },
      { from: 'page_view', to: 'upload_started', count: 1 },
    ];
    expect(acyclicFlow(transitions)).toEqual({ links: transitions, dropped: [] });
  });

  it('keeps the entry step first when sessions loop back to it', () => {
    // Sessions return to a page view after finishing: that back-edge goes, the main path stays.
    const { links, dropped } = acyclicFlow([
      { from: 'page_view', to: 'journey_started', count: 20 },
      { from: 'journey_started', to: 'journey_step', count: 18 },
      { from: 'journey_step', to: 'upload_started', count: 15 },
      { from: 'upload_started', to: 'journey_step', count: 14 },
      { from: 'journey_step', to: 'journey_completed', count: 13 },
      { from: 'journey_completed', to: 'page_view', count: 13 },
    ]);
    expect(links[0]?.from).toBe('page_view');
    expect(dropped.map((l) => `${l.from}>${l.to}`).sort()).toEqual([
      'journey_completed>page_view',
      'upload_started>journey_step',
    ]);
  });
});
