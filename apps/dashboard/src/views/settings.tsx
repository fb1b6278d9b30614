import { useLiveQuery } from '@sightline/react';
import { useEffect, useState } from 'react';
import { getSettings, type KeySettings, putSettings } from '../api/settings';
import { Panel } from '../components/panel';
import { Empty, Loading } from '../components/states';
import { useAccess } from '../secret-key-context';
import { useRange } from '../use-range';
import { DEFAULT_WINDOW_MS, type FunnelParams } from './funnel/funnel-params';
import { StepPicker } from './funnel/step-picker';
import { ReadOnlySettings } from './settings/read-only-settings';
import { funnelLabel } from './settings/settings-link';
import { ShareLinks } from './settings/share-links';

type Saving =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved' }
  | { state: 'failed'; message: string };

const draftOf = (settings: KeySettings): FunnelParams =>
  settings.key_funnel
    ? {
        steps: [...settings.key_funnel.steps],
        unit: settings.key_funnel.unit,
        windowMs: settings.key_funnel.window_ms,
      }
    : { steps: [], unit: 'session', windowMs: DEFAULT_WINDOW_MS };

/**
 * What this project calls conversion (the key funnel: Overview, Drop-off points) and which journey
 * the interventions report compares (the key journey). Steps are picked from the event names seen
 * in the range, journeys from the journeys seen.
 */
export function SettingsView() {
  const { read_only: readOnly } = useAccess();
  const range = useRange();
  const [stored, setStored] = useState<KeySettings | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [funnel, setFunnel] = useState<FunnelParams>(draftOf({ key_funnel: null, key_journey: null }));
  const [journey, setJourney] = useState<string>('');
  const [saving, setSaving] = useState<Saving>({ state: 'idle' });
  const journeys = useLiveQuery('journeys', { time_range: range });

  useEffect(() => {
    let live = true;
    getSettings().then(
      (settings) => {
        if (!live) return;
        setStored(settings);
        setFunnel(draftOf(settings));
        setJourney(settings.key_journey ?? '');
      },
      (error: Error) => live && setLoadError(error.message),
    );
    return () => {
      live = false;
    };
  }, []);

  const save = async (patch: Partial<KeySettings>) => {
    setSaving({ state: 'saving' });
    try {
      const settings = await putSettings(patch);
      setStored(settings);
      setSaving({ state: 'saved' });
    } catch (error) {
      setSaving({ state: 'failed', message: (error as Error).message });
    }
  };

  if (loadError) return <Empty>Could not load the settings: {loadError}</Empty>;
  if (!stored) return <Loading label="Loading settings…" />;
  if (readOnly) return <ReadOnlySettings settings={stored} />;

  const journeyNames = [
    ...new Set([...(journeys?.journeys ?? []).map((j) => j.journey_name), ...(journey ? [journey] : [])]),
  ].sort();
  const busy = saving.state === 'saving';

  return (
    <div className="stack">
      <Panel
        title="Key funnel"
        testId="settings-funnel"
        hint={
          stored.key_funnel
            ? `Now: ${funnelLabel(stored.key_funnel.steps)}. Overview's conversion rate and Drop-off points use it.`
            : 'None set yet: Overview shows no conversion rate and Drop-off points has nothing to measure.'
        }
      >
        <StepPicker range={range} value={funnel} onChange={(next) => setFunnel({ ...funnel, ...next })} />
        <div className="controls">
          <button
            type="button"
            className="button button-primary"
            data-testid="settings-save-funnel"
            disabled={busy || funnel.steps.length < 2}
            onClick={() =>
              save({ key_funnel: { steps: funnel.steps, unit: funnel.unit, window_ms: funnel.windowMs } })
            }
          >
            Save key funnel
          </button>
          <button
            type="button"
            className="button button-quiet"
            disabled={busy || funnel.steps.length === 0}
            onClick={() => setFunnel({ ...funnel, steps: [] })}
          >
            Clear steps
          </button>
          {stored.key_funnel ? (
            <button
              type="button"
              className="button button-quiet"
              disabled={busy}
              onClick={() => save({ key_funnel: null })}
            >
              Remove key funnel
            </button>
          ) : null}
          {funnel.steps.length < 2 ? <span className="muted">Pick at least 2 steps.</span> : null}
        </div>
      </Panel>
      <Panel
        title="Key journey"
        testId="settings-journey"
        hint="The journey whose completion Interventions compares between targeted and held-out sessions."
      >
        <div className="controls">
          <label className="control">
            <span>Journey</span>
            <select
              value={journey}
              data-testid="settings-journey-select"
              onChange={(e) => setJourney(e.target.value)}
            >
              <option value="">{journeys ? 'None' : 'Loading journeys…'}</option>
              {journeyNames.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button button-primary"
            data-testid="settings-save-journey"
            disabled={busy || journey === (stored.key_journey ?? '')}
            onClick={() => save({ key_journey: journey || null })}
          >
            Save key journey
          </button>
        </div>
      </Panel>
      <p className="muted" role="status" data-testid="settings-status">
        {saving.state === 'saving'
          ? 'Saving…'
          : saving.state === 'saved'
            ? 'Saved.'
            : saving.state === 'failed'
              ? `Not saved: ${saving.message}`
              : ''}
      </p>
      <ShareLinks />
    </div>
  );
}
