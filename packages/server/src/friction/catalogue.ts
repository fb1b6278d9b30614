import { deadClick } from './dead-click.js';
import { errorEncountered } from './error-encountered.js';
import { potentialAbandonment } from './potential-abandonment.js';
import { rageClick } from './rage-click.js';
import { rapidClicking } from './rapid-clicking.js';
import { slowPage } from './slow-page.js';
import { uploadStall } from './upload-stall.js';

/**
 * Every kind of friction Sightline knows, each defined once in its own module of this folder
 * (detector, thresholds, severity, weight, recommendations, default intervention). The stream
 * processor detects them; insights, interventions, drop-offs, sessions and the friction query all
 * answer from what it stored per session. Adding a factor: one new module and one line here
 * (plus its call in processor/session-processor.ts when it reads a new kind of state).
 * This order is the order factors are listed in (insights, drop-offs).
 */
export const FRICTION_CATALOGUE = [
  rapidClicking,
  rageClick,
  deadClick,
  potentialAbandonment,
  errorEncountered,
  slowPage,
  uploadStall,
] as const;

export type FrictionCatalogueEntry = (typeof FRICTION_CATALOGUE)[number];
export type RiskFactor = FrictionCatalogueEntry['id'];

/** The factor ids in catalogue order. */
export const RISK_FACTORS: readonly RiskFactor[] = FRICTION_CATALOGUE.map((f) => f.id);

const BY_ID = new Map<string, FrictionCatalogueEntry>(FRICTION_CATALOGUE.map((f) => [f.id, f]));

export function frictionFactor(id: RiskFactor): FrictionCatalogueEntry {
  return BY_ID.get(id) as FrictionCatalogueEntry;
}
