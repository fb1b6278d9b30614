import type { ComponentType } from 'react';
import { DropOffsView } from './drop-offs';
import { FunnelView } from './funnel';
import { InsightsView } from './insights';
import { InterventionsView } from './interventions';
import { JourneysView } from './journeys';
import { OverviewView } from './overview';
import { PerformanceView } from './performance';
import { RetentionView } from './retention';
import { SessionsView } from './sessions';
import { SettingsView } from './settings';
import { UserFlowView } from './user-flow';
import { WebView } from './web';

export interface ViewDefinition {
  /** The `?view=` value. */
  id: string;
  label: string;
  component: ComponentType;
  /** False where the filter bar makes no sense (Settings): its queries then get no filters. */
  filters?: false;
  /** False where no time range applies (Retention counts its own periods; Settings): no range picker. */
  range?: false;
}

export const VIEWS: readonly ViewDefinition[] = [
  { id: 'overview', label: 'Overview', component: OverviewView },
  { id: 'web', label: 'Web', component: WebView },
  { id: 'funnel', label: 'Funnel', component: FunnelView },
  { id: 'drop-offs', label: 'Drop-off points', component: DropOffsView },
  { id: 'flow', label: 'User flow', component: UserFlowView },
  { id: 'retention', label: 'Retention', component: RetentionView, range: false },
  { id: 'performance', label: 'Performance', component: PerformanceView },
  { id: 'journeys', label: 'Journeys', component: JourneysView },
  { id: 'insights', label: 'Insights', component: InsightsView },
  { id: 'interventions', label: 'Interventions', component: InterventionsView },
  { id: 'sessions', label: 'Sessions', component: SessionsView },
  { id: 'settings', label: 'Settings', component: SettingsView, filters: false, range: false },
];

/**
 * Params the Web, Retention and Funnel views keep for themselves (panel tabs, cohort choices, the
 * funnel's breakdown): cleared when another view is chosen. The filter bar's `f` is not one: it
 * applies to every view.
 */
export const VIEW_OWN_PARAMS = [
  'pages',
  'sources',
  'devices',
  'period',
  'show',
  'cohorts',
  'returning',
  'breakdown',
] as const;

export const viewById = (id: string | null): ViewDefinition =>
  VIEWS.find((view) => view.id === id) ?? VIEWS[0]!;
