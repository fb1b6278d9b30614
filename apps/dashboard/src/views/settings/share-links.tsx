import {
  type CreatedShareKey,
  MAX_SHARE_KEY_LABEL_LENGTH,
  type ShareKeyInfo,
} from '@sightline/schema/query-results';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { shareLink } from '../../auth/session';
import { createShareKey, listShareKeys, revokeShareKey } from '../../auth/share-keys';
import { Panel } from '../../components/panel';
import { Empty, Loading } from '../../components/states';
import { formatDateTime } from '../../format';
import './share-links.css';

/**
 * Read-only share links: make one (its link shown once, with a copy button), see them all, revoke
 * one (every dashboard open with it is signed out at once).
 */
export function ShareLinks() {
  const [keys, setKeys] = useState<ShareKeyInfo[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedShareKey | null>(null);
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    try {
      setKeys(await listShareKeys());
    } catch (e) {
      setError(`Could not load the share links: ${(e as Error).message}`);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      await reload();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    void act(async () => {
      setCreated(await createShareKey(label.trim()));
      setLabel('');
    });
  };

  const revoke = (key: ShareKeyInfo) =>
    act(async () => {
      await revokeShareKey(key.id);
      if (created?.id === key.id) setCreated(null);
    });

  return (
    <Panel
      title="Share links"
      testId="share-links"
      hint="Anyone with a share link sees this project's dashboard read-only: every view and export, no changes. Revoking a link signs out everyone using it, at once."
    >
      <form className="controls share-create" onSubmit={create}>
        <label className="control share-label">
          <span>Who is it for?</span>
          <input
            value={label}
            maxLength={MAX_SHARE_KEY_LABEL_LENGTH}
            placeholder="e.g. Support team"
            data-testid="share-label"
            onChange={(e) => setLabel(e.target.value)}
          />
        </label>
        <button type="submit" className="button button-primary" disabled={busy} data-testid="share-create">
          Create share link
        </button>
      </form>
      {created ? <CreatedLink created={created} onDone={() => setCreated(null)} /> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {keys === null ? (
        error ? null : (
          <Loading label="Loading share links…" />
        )
      ) : keys.length === 0 ? (
        <Empty>No share links yet.</Empty>
      ) : (
        <ul className="share-list" data-testid="share-list">
          {[...keys].reverse().map((key) => (
            <li
              key={key.id}
              className="share-item"
              data-testid="share-item"
              data-revoked={key.revoked_at !== null}
            >
              <div className="share-item-text">
                <strong className="truncate">{key.label || 'Unnamed link'}</strong>
                <span className="muted">
                  created {formatDateTime(key.created_at)}
                  {key.revoked_at !== null ? ` · revoked ${formatDateTime(key.revoked_at)}` : ''}
                </span>
              </div>
              {key.revoked_at === null ? (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy}
                  onClick={() => void revoke(key)}
                >
                  Revoke
                </button>
              ) : (
                <span className="pill">revoked</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

/** The new link, shown this once: the server keeps only a hash of its key. */
function CreatedLink({ created, onDone }: { created: CreatedShareKey; onDone(): void }) {
  const link = shareLink(created.key);
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'select' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('yes');
    } catch {
      // No clipboard access (a page not served over https): the link is selected for Ctrl+C.
      field.current?.select();
      setCopied('select');
    }
  };
  return (
    <div className="share-created" data-testid="share-created" role="status">
      <p>
        <strong>Copy this link now:</strong> it is shown only once. Anyone who has it can read this project's
        dashboard until you revoke it.
      </p>
      <div className="share-copy">
        <input
          ref={field}
          readOnly
          value={link}
          aria-label="Share link"
          data-testid="share-link"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="button button-primary" onClick={() => void copy()}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button button-quiet" onClick={onDone}>
          Done
        </button>
      </div>
      {copied === 'select' ? <p className="muted">Press Ctrl+C (⌘C) to copy the selected link.</p> : null}
    </div>
  );
}
