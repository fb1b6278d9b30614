import {
  BOT_POLICIES,
  DEMO_KEY_SETTINGS,
  eventNameArgSchema,
  funnelStepListSchema,
  funnelUnitSchema,
  funnelWindowSchema,
  type KeySettings,
  NO_KEY_SETTINGS,
} from '@sightline/schema';
import { z } from 'zod';
import { DEFAULT_PROJECT_ID } from './default-project.js';

// A key funnel is a funnel any query can run: the funnel query's own argument bounds.
export const keyFunnelSchema = z.strictObject({
  steps: funnelStepListSchema,
  unit: funnelUnitSchema,
  window_ms: funnelWindowSchema,
});

/** The body of `PUT /v1/settings`: each field given is replaced, each left out is kept. */
export const keySettingsPatchSchema = z.strictObject({
  key_funnel: keyFunnelSchema.nullable().optional(),
  key_journey: eventNameArgSchema.nullable().optional(),
  /** What ingest does with bot events; null goes back to the default (DEFAULT_BOT_POLICY). */
  bots: z.enum(BOT_POLICIES).nullable().optional(),
});
export type KeySettingsPatch = z.infer<typeof keySettingsPatchSchema>;

const storedSchema = z.object({
  key_funnel: keyFunnelSchema.nullable(),
  key_journey: eventNameArgSchema.nullable(),
  bots: z.enum(BOT_POLICIES).optional(),
});

/** What a project has before it stores settings: the demo's for the default project, none for others. */
export function defaultKeySettings(projectId: string): KeySettings {
  const base = projectId === DEFAULT_PROJECT_ID ? DEMO_KEY_SETTINGS : NO_KEY_SETTINGS;
  return copyKeySettings(base);
}

export function applyKeySettingsPatch(current: KeySettings, patch: KeySettingsPatch): KeySettings {
  const bots = patch.bots === undefined ? current.bots : (patch.bots ?? undefined);
  return {
    key_funnel: patch.key_funnel === undefined ? current.key_funnel : patch.key_funnel,
    key_journey: patch.key_journey === undefined ? current.key_journey : patch.key_journey,
    ...(bots ? { bots } : {}),
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
    ...(settings.bots ? { bots: settings.bots } : {}),
  };
}
