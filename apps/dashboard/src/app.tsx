import { useState } from 'react';
import { forgetKey, initialKey, storeKey } from './auth/secret-key';
import { SignIn } from './auth/sign-in';
import { Shell } from './shell';

const REFUSED_MESSAGE =
  'That key was not accepted. Use the secret key (sl_sec_…), not the public one (sl_pub_…), of this server.';

/** Signed out → the key form; signed in → the dashboard, until the server refuses the key. */
export function App() {
  const [key, setKey] = useState<string | null>(initialKey);
  const [error, setError] = useState<string | null>(null);

  if (!key) {
    return (
      <SignIn
        error={error}
        onSignIn={(next) => {
          storeKey(next);
          setError(null);
          setKey(next);
        }}
      />
    );
  }
  const signOut = (message: string | null) => {
    forgetKey();
    setError(message);
    setKey(null);
  };
  // A new key is a new connection: keying the shell by it drops every old subscription.
  return (
    <Shell
      key={key}
      secretKey={key}
      onRefused={() => signOut(REFUSED_MESSAGE)}
      onSignOut={() => signOut(null)}
    />
  );
}
