import { type FormEvent, useState } from 'react';

interface SignInProps {
  onSignIn(key: string): void;
  /** Why the user is here again, e.g. the server refused the key. */
  error?: string | null;
}

/** The secret key form. The key is checked by the live connection it opens (see App). */
export function SignIn({ onSignIn, error }: SignInProps) {
  const [key, setKey] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed) onSignIn(trimmed);
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
          printed. It stays in this tab only.
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
        <button type="submit" className="button button-primary">
          Sign in
        </button>
      </form>
    </main>
  );
}
