import type { SignInState } from '@sightline/schema/query-results';
import { useState } from 'react';
import { formatDateTime } from '../format';
import './auth.css';

interface AccountMenuProps {
  access: SignInState;
  onSignOut(): void;
  onSignOutEverywhere(): void;
}

/**
 * The header's sign-in part: "Read-only link" when opened from a share link, and a menu with the
 * project, until when this browser stays signed in, sign out and (owner only) sign out everywhere.
 */
export function AccountMenu({ access, onSignOut, onSignOutEverywhere }: AccountMenuProps) {
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="account">
      {access.read_only ? (
        <span
          className="pill pill-warn read-only-pill"
          data-testid="read-only-notice"
          title="Opened from a share link"
        >
          Read-only link
        </span>
      ) : null}
      <details className="account-menu" onToggle={() => setConfirming(false)}>
        <summary className="button button-quiet" data-testid="account-menu">
          <span className="truncate account-name">{access.project_name || access.project_id}</span>
          <span aria-hidden="true">▾</span>
        </summary>
        <div className="account-panel">
          <p className="muted">
            {access.read_only ? 'Viewing' : 'Signed in to'} <strong>{access.project_name}</strong>
            {access.read_only ? ' through a read-only share link' : ''}
            {access.expires_at ? ` until ${formatDateTime(access.expires_at)}` : ''}.
          </p>
          <button type="button" className="button" onClick={onSignOut}>
            Sign out
          </button>
          {access.read_only ? null : confirming ? (
            <div className="account-confirm">
              <p>Every browser signed in to this project, this one included, will have to sign in again.</p>
              <button type="button" className="button button-danger" onClick={onSignOutEverywhere}>
                Sign out everywhere
              </button>
              <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              Sign out everywhere…
            </button>
          )}
        </div>
      </details>
    </div>
  );
}
