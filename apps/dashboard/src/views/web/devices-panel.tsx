import { useLiveQuery } from '@sightline/react';
import { type DevicesResult, SCREEN_CLASSES } from '@sightline/schema/query-results';
import type { TimeRange } from '../../time-range';
import { BreakdownPanel, type BreakdownTab } from './breakdown-panel';
import { useRowLimit } from './row-limit';

/** "laptop (992 px and wider)": a screen class with where it starts (the schema's SCREEN_CLASSES). */
function screenLabel(name: string): string {
  const index = SCREEN_CLASSES.findIndex((c) => c.name === name);
  if (index < 0) return name || 'Unknown';
  const next = SCREEN_CLASSES[index + 1];
  const from = SCREEN_CLASSES[index]!.min_width;
  return next ? `${name} (${from}–${next.min_width - 1} px)` : `${name} (${from} px and wider)`;
}

const unknown = (v: string) => v || 'Unknown';

const TABS: ReadonlyArray<BreakdownTab<DevicesResult>> = [
  { id: 'browsers', label: 'Browsers', rows: (r) => r.browsers, filter: 'browser', name: unknown },
  { id: 'os', label: 'OS', rows: (r) => r.os, filter: 'os', name: unknown },
  { id: 'types', label: 'Devices', rows: (r) => r.device_types, filter: 'device', name: unknown },
  { id: 'screens', label: 'Screens', rows: (r) => r.screens, name: screenLabel },
];

/** The clients of the range's sessions (their first event's browser, OS, device and screen). */
export function DevicesPanel({ range }: { range: TimeRange }) {
  const rows = useRowLimit();
  const result = useLiveQuery('devices', { time_range: range, limit: rows.limit });
  return (
    <BreakdownPanel
      title="Devices"
      hint="Sessions by their first event's client"
      param="devices"
      tabs={TABS}
      result={result}
      rows={rows}
      testId="web-devices"
    />
  );
}
