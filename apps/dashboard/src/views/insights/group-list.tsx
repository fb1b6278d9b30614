import type { InsightGroupsResult } from '@sightline/schema/query-results';
import type { TimeRange } from '../../time-range';
import { GroupRow } from './group-row';
import { useGroupStatus } from './use-group-status';

/** The range's problems, most sessions first, each decided on as a whole. */
export function GroupList({ result, range }: { result: InsightGroupsResult; range: TimeRange }) {
  const { change, busy, error } = useGroupStatus();
  return (
    <>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="problem-list">
        {result.groups.map((group) => (
          <GroupRow
            key={group.problem}
            group={group}
            trend={result.trend}
            range={range}
            busy={busy.has(group.problem)}
            onStatus={(status) => void change(group.problem, status)}
          />
        ))}
      </div>
    </>
  );
}
