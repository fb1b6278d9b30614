import { useLiveQuery } from '@sightline/react';
import { Loading } from '../components/states';
import { describeRange } from '../time-range';
import { useRange } from '../use-range';
import { CountriesPanel } from './web/countries-panel';
import { DevicesPanel } from './web/devices-panel';
import { OverviewCards } from './web/overview-cards';
import { PagesPanel } from './web/pages-panel';
import { SourcesPanel } from './web/sources-panel';
import './web/web.css';

/**
 * Web analytics (docs/SEMANTICS.md, Web analytics): the range's visitors, sessions, pageviews,
 * views per session, bounce rate and duration against the previous period, then pages, sources,
 * devices and countries. Every query takes the filter bar's filters; a click on a row adds one.
 */
export function WebView() {
  const range = useRange();
  const overview = useLiveQuery('web_overview', { time_range: range });
  return (
    <div className="stack">
      {overview ? (
        <OverviewCards result={overview} />
      ) : (
        <section className="web-cards" aria-label="Headline figures">
          <Loading label={`Loading ${describeRange(range)}…`} />
        </section>
      )}
      <div className="grid-2">
        <PagesPanel range={range} />
        <SourcesPanel range={range} />
        <DevicesPanel range={range} />
        <CountriesPanel range={range} />
      </div>
    </div>
  );
}
