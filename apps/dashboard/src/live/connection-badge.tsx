import type { ConnectionState } from '@sightline/client';

const LABELS: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

/** Whether the numbers on screen are live: they update by themselves only while this says Live. */
export function ConnectionBadge({ state }: { state: ConnectionState }) {
  return (
    <output className={`badge badge-${state}`} data-testid="connection-state" data-state={state}>
      <span className="badge-dot" aria-hidden="true" />
      {LABELS[state]}
    </output>
  );
}
