import { useLiveQuery } from '@sightline/react';
import { Panel } from '../components/panel';
import { Empty, Loading } from '../components/states';
import { useRange } from '../use-range';
import { RuleComparison } from './interventions/rule-comparison';
import { SettingsLink } from './settings/settings-link';
import './interventions/interventions.css';

/**
 * Per rule: how often sessions that got the intervention completed the key journey, against the
 * hold-out group that got none, with both sample sizes and the difference's 95 % confidence
 * interval; a verdict only once both groups are large enough (the server decides, docs/SEMANTICS.md).
 */
export function InterventionsView() {
  const range = useRange();
  const result = useLiveQuery('interventions', { time_range: range });

  if (!result) return <Loading height={240} />;
  if (result.rules.length === 0)
    return (
      <Panel title="Targeted vs hold-out">
        <Empty height={200}>
          No interventions in this range. They are sent when an insight matches a rule; a hold-out share of
          sessions gets none, so the effect can be compared here.
        </Empty>
      </Panel>
    );
  return (
    <Panel
      title="Key journey completion: targeted vs hold-out"
      hint={
        result.key_journey ? (
          <>
            Completed / started <span className="mono">{result.key_journey}</span> journeys in sessions that
            got the intervention and in the hold-out group, which got none; the difference (targeted −
            hold-out) with its 95% confidence interval.
          </>
        ) : (
          <span data-testid="interventions-no-journey">
            No key journey yet: <SettingsLink>set your key journey</SettingsLink> to compare completion.
          </span>
        )
      }
    >
      <div className="comparisons">
        {result.rules.map((report) => (
          <RuleComparison key={report.rule_id} report={report} />
        ))}
      </div>
    </Panel>
  );
}
