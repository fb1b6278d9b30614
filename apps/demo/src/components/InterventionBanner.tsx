import { useIntervention } from '@sightline/react';
import { useEffect } from 'react';

const TITLES: Record<string, string> = {
  help_prompt: 'Need a hand?',
  tooltip: 'A quick tip',
  offer_support: 'Something went wrong — we can help',
};

/** Shows what the processor sent for this session (over SSE) and reports what the person did with it. */
export function InterventionBanner() {
  const { intervention, shown, result } = useIntervention();

  useEffect(() => {
    if (intervention) shown({ action: intervention.action });
  }, [intervention, shown]);

  if (!intervention) return null;
  const accept = intervention.action === 'offer_support' ? 'Contact support' : 'Thanks, got it';
  return (
    <aside className="intervention" role="status" aria-live="polite" data-action={intervention.action}>
      <div className="intervention__text">
        <strong>{TITLES[intervention.action] ?? 'A note for you'}</strong>
        <p>
          {intervention.message ??
            'It looks like something is getting in your way. Try the steps below one at a time.'}
        </p>
      </div>
      <div className="intervention__actions">
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => result('accepted', { action: intervention.action })}
        >
          {accept}
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => result('dismissed', { action: intervention.action })}
        >
          Dismiss
        </button>
      </div>
    </aside>
  );
}
