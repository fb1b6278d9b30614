import { createContext, useContext } from 'react';

/** The signed-in secret key, for the few plain HTTP calls (acknowledge / resolve an insight). */
export const SecretKeyContext = createContext<string>('');

export const useSecretKey = (): string => useContext(SecretKeyContext);
