import type { ComponentType } from 'react';
import { DropOffsView } from './drop-offs';
import { FunnelView } from './funnel';
import { InsightsView } from './insights';
import { InterventionsView } from './interventions';
import { JourneysView } from './journeys';
import { OverviewView } from './overview';
import { PerformanceView } from './performance';
import { SessionsView } from './sessions';
import { SettingsView } from './settings';
import { UserFlowView } from './user-flow';

export interface ViewDefinition {
  /** The `?view=` value. */
  id: string;
  label: string;
  component: ComponentType;
}

export const VIEWS: readonly ViewDefinition[] = [
  { id: 'overview', label: 'Overview', component: OverviewView },
  { id: 'funnel', label: 'Funnel', component: FunnelView },
  { id: 'drop-offs', label: 'Drop-off points', component: DropOffsView },
  { id: 'flow', label: 'User flow', component: UserFlowView },
  { id: 'performance', label: 'Performance', component: PerformanceView },
  { id: 'journeys', label: 'Journeys', component: JourneysView },
  { id: 'insights', label: 'Insights', component: InsightsView },
  { id: 'interventions', label: 'Interventions', component: InterventionsView },
  { id: 'sessions', label: 'Sessions', component: SessionsView },
  { id: 'settings', label: 'Settings', component: SettingsView },
];

export const viewById = (id: string | null): ViewDefinition =>
  VIEWS.find((view) => view.id === id) ?? VIEWS[0]!;
