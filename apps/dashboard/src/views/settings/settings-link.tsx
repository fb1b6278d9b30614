import type { ReactNode } from 'react';
import { updateParams } from '../../url-state';

/** A link to the settings view that keeps the time range (as the view tabs do). */
export function SettingsLink({ children }: { children: ReactNode }) {
  return (
    <a
      href="?view=settings"
      data-testid="settings-link"
      onClick={(e) => {
        e.preventDefault();
        updateParams({ view: 'settings' });
      }}
    >
      {children}
    </a>
  );
}

/** The key funnel as a label: its steps joined by arrows. */
export function funnelLabel(steps: readonly string[]): string {
  return steps.join(' → ');
}
