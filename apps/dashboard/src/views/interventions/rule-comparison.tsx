import type {
  ComparisonVerdict,
  CompletionComparison,
  InterventionRuleReport,
} from '@sightline/schema/query-results';
import type { InterventionGroup } from '../../api/types';
import { formatCount, formatPercent, humanize } from '../../format';

const points = new Intl.NumberFormat('en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});
/** A difference of two rates in percentage points, signed: −1.1 (a typographic minus, as in print). */
const signed = (difference: number) => points.format(difference * 100).replace('-', '−');
/** With its unit: +25.0 pts. */
const formatPoints = (difference: number) => `${signed(difference)} pts`;

const VERDICTS: Record<ComparisonVerdict, string> = {
  targeted_higher: 'Targeted sessions complete more often',
  targeted_lower: 'Targeted sessions complete less often',
  no_clear_difference: 'No clear difference',
};

interface GroupFiguresProps {
  name: string;
  group: InterventionGroup;
  /** Too few journeys to compare: the rate is shown, muted, so it does not read as a result. */
  tentative: boolean;
  testId: string;
}

function GroupFigures({ name, group, tentative, testId }: GroupFiguresProps) {
  return (
    <div className="comparison-group" data-testid={testId}>
      <span className="comparison-group-name">{name}</span>
      <span className={tentative ? 'comparison-rate muted' : 'comparison-rate'}>
        {formatPercent(group.completion_rate)}
      </span>
      <span className="comparison-n">
        n = {formatCount(group.journeys)} key journeys ({formatCount(group.completed_journeys)} completed)
      </span>
      <span className="muted comparison-sessions">
        {formatCount(group.sessions)} sessions · {formatCount(group.delivered)} delivered ·{' '}
        {formatCount(group.shown)} shown
      </span>
    </div>
  );
}

/** The interval on a −100…+100 point scale with 0 marked: how sure, at a glance. */
function IntervalBar({ comparison }: { comparison: CompletionComparison }) {
  const { difference, ci_low, ci_high } = comparison;
  if (difference === null || ci_low === null || ci_high === null) return null;
  const x = (value: number) => `${((value + 1) / 2) * 100}%`;
  return (
    <div role="img" aria-label={`95% interval ${formatPoints(ci_low)} to ${formatPoints(ci_high)}`}>
      <div className="interval">
        <span className="interval-zero" style={{ left: '50%' }} />
        <span
          className="interval-range"
          style={{ left: x(ci_low), width: `${((ci_high - ci_low) / 2) * 100}%` }}
        />
        <span className="interval-point" style={{ left: x(difference) }} />
      </div>
      <div className="interval-scale" aria-hidden="true">
        <span>−100</span>
        <span>0</span>
        <span>+100 pts</span>
      </div>
    </div>
  );
}

/** What the comparison supports: a verdict with its interval, or why there is none yet. */
function Verdict({ report }: { report: InterventionRuleReport }) {
  const { comparison, targeted, held_out } = report;
  const { difference, ci_low, ci_high } = comparison;
  const range =
    difference === null || ci_low === null || ci_high === null
      ? null
      : `${formatPoints(difference)} (95% CI ${signed(ci_low)} to ${formatPoints(ci_high)})`;
  if (difference === null)
    return (
      <p className="comparison-verdict muted" data-testid="not-enough-data">
        Nothing to compare yet: {targeted.journeys === 0 ? 'the targeted group' : 'the hold-out group'} has no
        key journeys.
      </p>
    );
  if (!comparison.enough_data || comparison.verdict === null)
    return (
      <div className="comparison-verdict" data-testid="not-enough-data">
        <p>
          <strong>Not enough data yet.</strong> A verdict needs at least{' '}
          {formatCount(comparison.min_journeys_per_group)} key journeys in each group (targeted{' '}
          {formatCount(targeted.journeys)}, hold-out {formatCount(held_out.journeys)}).
        </p>
        <p className="muted">So far {range}: too wide to say.</p>
      </div>
    );
  return (
    <div className={`comparison-verdict verdict-${comparison.verdict}`} data-testid="comparison-verdict">
      <p>
        <strong>{VERDICTS[comparison.verdict]}</strong>: {range}
      </p>
      <IntervalBar comparison={comparison} />
    </div>
  );
}

/** One rule: completion of its targeted sessions vs the hold-out, sizes first, then what it supports. */
export function RuleComparison({ report }: { report: InterventionRuleReport }) {
  const tentative = !report.comparison.enough_data;
  return (
    <article className="comparison" data-testid="intervention-rule">
      <header className="comparison-head">
        <h3 className="mono">{report.rule_id}</h3>
        <span className="pill pill-accent">{humanize(report.action)}</span>
      </header>
      <div className="comparison-groups">
        <GroupFigures name="Targeted" group={report.targeted} tentative={tentative} testId="group-targeted" />
        <GroupFigures name="Hold-out" group={report.held_out} tentative={tentative} testId="group-held-out" />
      </div>
      <Verdict report={report} />
    </article>
  );
}
