import { type FormEvent, useState } from 'react';
import './auth.css';

interface SignInProps {
  onSignIn(key: string): Promise<void>;
  /** Why the user is here again, e.g. the server refused the key or the sign-in ended. */
  error?: string | null;
}

/** The secret key form: the key is exchanged for a sign-in cookie and not kept by the browser. */
export function SignIn({ onSignIn, error }: SignInProps) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed || busy) return;
    setBusy(true);
    try {
      await onSignIn(trimmed);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <form className="sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Sightline
        </div>
        <h1 id="sign-in-title">Sign in to the dashboard</h1>
        <p className="muted">
          Use the project's <strong>secret key</strong> (<code>sl_sec_…</code>) that <code>npm start</code>{' '}
          printed. This browser stays signed in, in every tab, until you sign out; the key itself is not kept.
        </p>
        <label className="field">
          <span>Secret key</span>
          <input
            name="secret-key"
            type="password"
            autoComplete="current-password"
            placeholder="sl_sec_…"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? 'sign-in-error' : undefined}
            required
          />
        </label>
        {error ? (
          <p className="form-error" id="sign-in-error" role="alert" data-testid="sign-in-error">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted sign-in-note">
          Were you sent a read-only share link? Open the link itself: it signs you in without a key.
        </p>
      </form>
    </main>
  );
}

/** While the server is asked whether this browser is signed in. */
export function CheckingSignIn() {
  return (
    <main className="sign-in" aria-busy="true">
      <p className="muted" role="status">
        Checking your sign-in…
      </p>
    </main>
  );
}
