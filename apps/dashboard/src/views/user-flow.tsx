import { useLiveQuery } from '@sightline/react';
import { useMemo } from 'react';
import { Chart } from '../charts/chart';
import { escapeHtml } from '../charts/escape';
import { COLORS, colorFor, TOOLTIP_BASE } from '../charts/theme';
import { wrapName } from '../charts/wrap-name';
import { Panel } from '../components/panel';
import { Segmented, type SegmentedOption } from '../components/segmented';
import { Empty, Loading } from '../components/states';
import { formatCount } from '../format';
import { useUrlParams } from '../url-state';
import { useRange } from '../use-range';
import { type AcyclicFlow, acyclicFlow } from './flow/acyclic-flow';
import {
  SANKEY_LABEL_CHARS,
  SANKEY_LABEL_LINES,
  SANKEY_MARGINS,
  SANKEY_NODE_WIDTH,
  sankeyColumns,
  sankeyMinWidth,
} from './flow/sankey-layout';

type Mode = 'events' | 'pages';
const MODES: ReadonlyArray<SegmentedOption<Mode>> = [
  { value: 'events', label: 'Events' },
  { value: 'pages', label: 'Pages' },
];

type SankeyTooltipParams = {
  dataType: string;
  data: { source?: string; target?: string; value?: number; name?: string };
};

/** A link: where from, where to, how many; a node: its full name (its label may be cut short). */
const tooltip = (p: SankeyTooltipParams) =>
  p.dataType === 'edge'
    ? `<div class="tt"><div class="tt-title">${escapeHtml(p.data.source)} → ${escapeHtml(p.data.target)}</div>${escapeHtml(formatCount(p.data.value))} transitions</div>`
    : `<div class="tt"><div class="tt-title">${escapeHtml(p.data.name)}</div></div>`;

/** A node's name in lines that fit its column; very long ones end in "…" (the tooltip has them whole). */
const nodeLabel = ({ name }: { name: string }) => wrapName(name, SANKEY_LABEL_CHARS, SANKEY_LABEL_LINES);

/** The kept (acyclic) transitions as a sankey, each node in the colour of its name. */
export function userFlowOption(graph: AcyclicFlow) {
  const names = [...new Set(graph.links.flatMap((l) => [l.from, l.to]))];
  return {
    tooltip: { ...TOOLTIP_BASE, trigger: 'item', formatter: tooltip },
    series: [
      {
        name: 'Flow',
        type: 'sankey',
        ...SANKEY_MARGINS,
        nodeWidth: SANKEY_NODE_WIDTH,
        nodeGap: 10,
        draggable: false,
        emphasis: { focus: 'adjacency' },
        data: names.map((name) => ({ name, itemStyle: { color: colorFor(name) } })),
        links: graph.links.map((l) => ({ source: l.from, target: l.to, value: l.count })),
        lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
        label: { color: COLORS.text, fontSize: 11, lineHeight: 13, formatter: nodeLabel },
        // Small nodes of one column can sit closer than a label's height: hide the overlap.
        labelLayout: { hideOverlap: true },
      },
    ],
  };
}

/** How sessions move from one event (or page) to the next, as a sankey; and the commonest starts. */
export function UserFlowView() {
  const range = useRange();
  const [params, setParams] = useUrlParams();
  const mode: Mode = params.get('mode') === 'pages' ? 'pages' : 'events';
  const flow = useLiveQuery('user_flow', { time_range: range, mode, limit: 30, path_length: 4 });

  const graph = useMemo(() => (flow ? acyclicFlow(flow.transitions) : null), [flow]);
  const option = useMemo(() => (graph ? userFlowOption(graph) : null), [graph]);

  const modeSwitch = (
    <Segmented
      small
      legend="Steps are"
      options={MODES}
      value={mode}
      onChange={(m) => setParams({ mode: m === 'events' ? null : m }, true)}
    />
  );

  return (
    <div className="stack">
      <Panel
        title="Flow"
        actions={modeSwitch}
        hint={
          graph && graph.dropped.length > 0
            ? `The 30 most common transitions between consecutive steps. ${graph.dropped.length} repeat or back-step transition(s) are not drawn: a sankey flows one way.`
            : 'The 30 most common transitions between consecutive steps of a session.'
        }
      >
        {!flow || !option ? (
          <Loading height={360} />
        ) : graph!.links.length === 0 ? (
          <Empty height={240}>No sessions with two or more {mode} in this range.</Empty>
        ) : (
          <Chart
            option={option}
            height={420}
            minWidth={sankeyMinWidth(sankeyColumns(graph!.links))}
            label="User flow sankey"
          />
        )}
      </Panel>
      <Panel title="Most common starts" hint="The first four steps of each session">
        {!flow ? (
          <Loading height={120} />
        ) : flow.top_paths.length === 0 ? (
          <Empty height={120}>No sessions yet.</Empty>
        ) : (
          <ol className="paths">
            {flow.top_paths.slice(0, 10).map((p) => (
              <li key={JSON.stringify(p.path)}>
                <span className="path-count">{formatCount(p.count)}</span>
                <span className="path-steps">
                  {p.path.map((step, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a path may repeat a step; position is its identity
                    <span key={i} className="path-step mono">
                      {step}
                    </span>
                  ))}
                </span>
              </li>
            ))}
          </ol>
        )}
      </Panel>
    </div>
  );
}
