import { CheckingSignIn, SignIn } from './auth/sign-in';
import { useSignIn } from './auth/use-sign-in';
import { Shell } from './shell';

/** Signed out → the key form; signed in (the server's cookie) → the dashboard, until the sign-in ends. */
export function App() {
  const { status, submitKey, signOut, signOutEverywhere, refused } = useSignIn();

  if (status.state === 'checking') return <CheckingSignIn />;
  if (status.state === 'signed-out') return <SignIn error={status.error} onSignIn={submitKey} />;
  const { session } = status;
  // Each sign-in is a new connection: keying the shell by it drops every old subscription.
  return (
    <Shell
      key={status.id}
      access={session}
      onRefused={() => refused(session)}
      onSignOut={signOut}
      onSignOutEverywhere={signOutEverywhere}
    />
  );
}
