import { useLiveQuery } from '@sightline/react';
import type { PageRow, PageSort } from '@sightline/schema/query-results';
import { Panel } from '../../components/panel';
import { Segmented } from '../../components/segmented';
import { Loading } from '../../components/states';
import { formatCount, formatDuration, formatPercent } from '../../format';
import type { TimeRange } from '../../time-range';
import { type RankedColumn, RankedTable } from './ranked-table';
import { useRowLimit } from './row-limit';
import { useTabParam } from './tab-param';

const TABS = ['top', 'entry', 'exit'] as const;
type PagesTab = (typeof TABS)[number];

const count = (label: string, value: (r: PageRow) => number, wide?: boolean): RankedColumn<PageRow> => ({
  label,
  value,
  format: formatCount,
  wide,
});

/** Each tab: the `pages` sort it asks for, what it is called, and its columns (the first draws the bar). */
const TAB_VIEWS: Readonly<
  Record<PagesTab, { sort: PageSort; label: string; hint: string; columns: RankedColumn<PageRow>[] }>
> = {
  top: {
    sort: 'views',
    label: 'Top',
    hint: 'Most viewed paths',
    columns: [
      count('Views', (r) => r.views),
      count('Visitors', (r) => r.visitors),
      { label: 'Avg. time', value: (r) => r.avg_time_on_page_ms, format: formatDuration, wide: true },
    ],
  },
  entry: {
    sort: 'entries',
    label: 'Entry',
    hint: 'Where sessions start',
    columns: [
      count('Entries', (r) => r.entries),
      { label: 'Bounce', value: (r) => r.bounce_rate, format: formatPercent },
      count('Visitors', (r) => r.visitors, true),
    ],
  },
  exit: {
    sort: 'exits',
    label: 'Exit',
    hint: 'Where sessions end',
    columns: [
      count('Exits', (r) => r.exits),
      count('Views', (r) => r.views),
      count('Visitors', (r) => r.visitors, true),
    ],
  },
};

/** Top, entry and exit pages; a click on a path filters every view by it. */
export function PagesPanel({ range }: { range: TimeRange }) {
  const [tab, setTab] = useTabParam<PagesTab>('pages', TABS);
  const rows = useRowLimit();
  const view = TAB_VIEWS[tab];
  const result = useLiveQuery('pages', { time_range: range, sort: view.sort, limit: rows.limit });

  return (
    <Panel
      title="Pages"
      hint={view.hint}
      testId="web-pages"
      actions={
        <Segmented
          small
          legend="Pages"
          options={TABS.map((t) => ({ value: t, label: TAB_VIEWS[t].label }))}
          value={tab}
          onChange={setTab}
        />
      }
    >
      {result ? (
        <>
          <RankedTable
            rows={result.pages}
            rowKey={(r) => r.path}
            label={(r) => <span className="mono">{r.path}</span>}
            columns={view.columns}
            filterProperty="path"
            empty="No page views in this range."
            testId={`pages-${tab}`}
          />
          {rows.toggle(result.pages.length)}
        </>
      ) : (
        <Loading height={200} />
      )}
    </Panel>
  );
}
