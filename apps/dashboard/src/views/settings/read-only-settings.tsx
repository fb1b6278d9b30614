import type { KeySettings } from '@sightline/schema/query-results';
import { Panel } from '../../components/panel';
import { funnelLabel } from './settings-link';
import './share-links.css';

/** Settings as a share link sees them: what they are, not a form (the owner changes them). */
export function ReadOnlySettings({ settings }: { settings: KeySettings }) {
  return (
    <div className="stack">
      <Panel
        title="Project settings"
        testId="settings-read-only"
        hint="You opened a read-only share link: only the project's owner changes settings."
      >
        <dl className="read-only-settings">
          <dt>Key funnel</dt>
          <dd>{settings.key_funnel ? funnelLabel(settings.key_funnel.steps) : 'None set'}</dd>
          <dt>Key journey</dt>
          <dd>{settings.key_journey ?? 'None set'}</dd>
        </dl>
      </Panel>
    </div>
  );
}
