import { useLiveQuery } from '@sightline/react';
import type { CountryRow } from '@sightline/schema/query-results';
import { countryName } from '../../components/filter-labels';
import { Panel } from '../../components/panel';
import { Loading } from '../../components/states';
import { formatCount } from '../../format';
import type { TimeRange } from '../../time-range';
import { type RankedColumn, RankedTable } from './ranked-table';
import { useRowLimit } from './row-limit';

const COLUMNS: ReadonlyArray<RankedColumn<CountryRow>> = [
  { label: 'Visitors', value: (r) => r.visitors, format: formatCount },
  { label: 'Sessions', value: (r) => r.sessions, format: formatCount },
];

function CountryLabel({ code }: { code: string }) {
  return (
    <span className="country">
      <span className="country-code" aria-hidden="true">
        {code || '??'}
      </span>
      {countryName(code)}
    </span>
  );
}

/** Sessions by the country their first event was sent from, most visitors first. */
export function CountriesPanel({ range }: { range: TimeRange }) {
  const rows = useRowLimit();
  const result = useLiveQuery('countries', { time_range: range, limit: rows.limit });
  return (
    <Panel title="Countries" hint="Sessions by where their first event was sent from" testId="web-countries">
      {result ? (
        <>
          <RankedTable
            rows={result.countries}
            rowKey={(r) => r.code}
            label={(r) => <CountryLabel code={r.code} />}
            columns={COLUMNS}
            filterProperty="country"
            empty="No sessions in this range."
            testId="countries-list"
          />
          {rows.toggle(result.countries.length)}
        </>
      ) : (
        <Loading height={200} />
      )}
    </Panel>
  );
}
