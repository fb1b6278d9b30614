import type { BreakdownRow, FilterProperty } from '@sightline/schema/query-results';
import type { ReactNode } from 'react';
import { valueLabel } from '../../components/filter-labels';
import { Panel } from '../../components/panel';
import { Segmented } from '../../components/segmented';
import { Loading } from '../../components/states';
import { formatCount } from '../../format';
import { type RankedColumn, RankedTable } from './ranked-table';
import type { RowLimit } from './row-limit';
import { useTabParam } from './tab-param';

/** One list of a breakdown query's answer (browsers, referrers, …). */
export interface BreakdownTab<R> {
  id: string;
  label: string;
  rows(result: R): BreakdownRow[];
  /** The filter property a click on a row sets; none for derived values (channels, screen classes). */
  filter?: FilterProperty;
  /** How a value reads; the filter vocabulary's wording by default ('' as "(none)"). */
  name?(value: string): string;
}

const COLUMNS: ReadonlyArray<RankedColumn<BreakdownRow>> = [
  { label: 'Visitors', value: (r) => r.visitors, format: formatCount },
  { label: 'Sessions', value: (r) => r.sessions, format: formatCount },
];

interface BreakdownPanelProps<R> {
  title: string;
  hint: ReactNode;
  /** The `?<param>=` that keeps the chosen tab. */
  param: string;
  tabs: ReadonlyArray<BreakdownTab<R>>;
  result: R | undefined;
  rows: RowLimit;
  testId: string;
}

/** Sessions by one of a breakdown query's lists, chosen by tabs; a click on a value filters by it. */
export function BreakdownPanel<R>({
  title,
  hint,
  param,
  tabs,
  result,
  rows,
  testId,
}: BreakdownPanelProps<R>) {
  const [tabId, setTab] = useTabParam(
    param,
    tabs.map((t) => t.id),
  );
  const tab = tabs.find((t) => t.id === tabId) ?? tabs[0]!;
  const list = result ? tab.rows(result) : [];
  const nameOf =
    tab.name ?? ((value: string) => (tab.filter ? valueLabel(tab.filter, value) : value || '(none)'));

  return (
    <Panel
      title={title}
      hint={hint}
      testId={testId}
      actions={
        <Segmented
          small
          legend={title}
          options={tabs.map((t) => ({ value: t.id, label: t.label }))}
          value={tab.id}
          onChange={setTab}
        />
      }
    >
      {result ? (
        <>
          <RankedTable
            rows={list}
            rowKey={(r) => r.name}
            label={(r) => nameOf(r.name)}
            columns={COLUMNS}
            filterProperty={tab.filter}
            empty="No sessions in this range."
            testId={`${testId}-${tab.id}`}
          />
          {rows.toggle(list.length)}
        </>
      ) : (
        <Loading height={200} />
      )}
    </Panel>
  );
}
