import type { SignInState } from '@sightline/schema/query-results';
import { createContext, useContext } from 'react';

/**
 * Who the dashboard is signed in as (the server holds the sign-in: no key lives in the browser).
 * `read_only`: opened from a share link; views leave out what would change anything.
 */
export const AccessContext = createContext<SignInState>({
  project_id: '',
  project_name: '',
  read_only: true,
  expires_at: null,
});

export const useAccess = (): SignInState => useContext(AccessContext);
