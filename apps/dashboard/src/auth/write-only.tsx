import type { ReactNode } from 'react';
import { useAccess } from '../secret-key-context';

/**
 * Controls that change something (acknowledge, resolve, save settings, share links): left out of
 * a read-only dashboard (a share link), where the server would refuse them anyway.
 */
export function WriteOnly({ children }: { children: ReactNode }) {
  return useAccess().read_only ? null : children;
}
