import type { InsightStatus } from '../../api/types';
import { WriteOnly } from '../../auth/write-only';

/** The pill class of each severity, for an insight and for a problem group alike. */
export const SEVERITY_CLASS: Readonly<Record<string, string>> = {
  high: 'pill-bad',
  medium: 'pill-warn',
  low: 'pill-muted',
};

interface StatusActionsProps {
  status: InsightStatus;
  busy: boolean;
  onStatus(status: InsightStatus): void;
}

/**
 * The decisions on an insight or a problem group, the same everywhere: an open one can be
 * acknowledged, anything not resolved resolved, a resolved one reopened. Hidden from share links.
 */
export function StatusActions({ status, busy, onStatus }: StatusActionsProps) {
  const button = (to: InsightStatus, label: string, variant = '') => (
    <button
      type="button"
      className={`button button-small ${variant}`.trim()}
      disabled={busy}
      onClick={() => onStatus(to)}
    >
      {label}
    </button>
  );
  return (
    <WriteOnly>
      {status === 'open' ? button('acknowledged', 'Acknowledge') : null}
      {status !== 'resolved' ? button('resolved', 'Resolve', 'button-primary') : button('open', 'Reopen')}
    </WriteOnly>
  );
}
