import { useLiveQuery } from '@sightline/react';
import type { Channel, SourcesResult } from '@sightline/schema/query-results';
import type { TimeRange } from '../../time-range';
import { BreakdownPanel, type BreakdownTab } from './breakdown-panel';
import { useRowLimit } from './row-limit';

/** Channel names as words; keyed by the schema's Channel, so a new channel needs its label here. */
const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  paid: 'Paid',
  email: 'Email',
  social: 'Social',
  organic_search: 'Organic search',
  referral: 'Referral',
  direct: 'Direct',
  other: 'Other',
};

const TABS: ReadonlyArray<BreakdownTab<SourcesResult>> = [
  {
    id: 'channels',
    label: 'Channels',
    rows: (r) => r.channels,
    name: (v) => CHANNEL_LABELS[v as Channel] ?? v,
  },
  {
    id: 'referrers',
    label: 'Referrers',
    rows: (r) => r.referrers.map(({ domain, visitors, sessions }) => ({ name: domain, visitors, sessions })),
    filter: 'referrer_domain',
    name: (v) => v || 'No referrer',
  },
  { id: 'utm_source', label: 'Source', rows: (r) => r.utm_sources, filter: 'utm_source' },
  { id: 'utm_medium', label: 'Medium', rows: (r) => r.utm_mediums, filter: 'utm_medium' },
  { id: 'utm_campaign', label: 'Campaign', rows: (r) => r.utm_campaigns, filter: 'utm_campaign' },
  { id: 'utm_term', label: 'Term', rows: (r) => r.utm_terms },
  { id: 'utm_content', label: 'Content', rows: (r) => r.utm_contents },
];

/** Where sessions came from: channel, referrer and UTM tags of their entry event. */
export function SourcesPanel({ range }: { range: TimeRange }) {
  const rows = useRowLimit();
  const result = useLiveQuery('sources', { time_range: range, limit: rows.limit });
  return (
    <BreakdownPanel
      title="Sources"
      hint="Sessions by where they came from (their first event's referrer and UTM tags)"
      param="sources"
      tabs={TABS}
      result={result}
      rows={rows}
      testId="web-sources"
    />
  );
}
