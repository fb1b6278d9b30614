import { DEMO_KEY_SETTINGS, type KeySettings, NO_KEY_SETTINGS } from '@sightline/schema';
import { z } from 'zod';
import { DEFAULT_PROJECT_ID } from './default-project.js';

/** The funnel query's own bounds (query/funnel/): a key funnel is a funnel any query can run. */
const MAX_STEPS = 10;
const MIN_STEPS = 2;
const MAX_NAME_LENGTH = 200;
/** A conversion window longer than the longest time range a query takes would never be reached. */
const MAX_WINDOW_MS = 90 * 86_400_000;

const eventName = z.string().min(1).max(MAX_NAME_LENGTH);

export const keyFunnelSchema = z.strictObject({
  steps: z.array(eventName).min(MIN_STEPS).max(MAX_STEPS),
  unit: z.enum(['session', 'user']),
  window_ms: z.number().int().min(0).max(MAX_WINDOW_MS),
});

/** The body of `PUT /v1/settings`: each field given is replaced, each left out is kept. */
export const keySettingsPatchSchema = z.strictObject({
  key_funnel: keyFunnelSchema.nullable().optional(),
  key_journey: eventName.nullable().optional(),
});
export type KeySettingsPatch = z.infer<typeof keySettingsPatchSchema>;

const storedSchema = z.object({
  key_funnel: keyFunnelSchema.nullable(),
  key_journey: eventName.nullable(),
});

/** What a project has before it stores settings: the demo's for the default project, none for others. */
export function defaultKeySettings(projectId: string): KeySettings {
  const base = projectId === DEFAULT_PROJECT_ID ? DEMO_KEY_SETTINGS : NO_KEY_SETTINGS;
  return copyKeySettings(base);
}

export function applyKeySettingsPatch(current: KeySettings, patch: KeySettingsPatch): KeySettings {
  return {
    key_funnel: patch.key_funnel === undefined ? current.key_funnel : patch.key_funnel,
    key_journey: patch.key_journey === undefined ? current.key_journey : patch.key_journey,
  };
}

/** Stored JSON text back to settings; text this version cannot read counts as none stored. */
export function parseStoredKeySettings(json: string): KeySettings | null {
  try {
    const parsed = storedSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function copyKeySettings(settings: Readonly<KeySettings>): KeySettings {
  const funnel = settings.key_funnel;
  return {
    key_funnel: funnel ? { steps: [...funnel.steps], unit: funnel.unit, window_ms: funnel.window_ms } : null,
    key_journey: settings.key_journey,
  };
}
