import type { Route } from '../context.js';
import { insightGroupStatusRoute } from './insight-group-status.js';
import { insightStatusRoute } from './insight-status.js';
import { interventionRulesRoutes } from './intervention-rules.js';
import { interventionsStreamRoute } from './interventions-stream.js';
import { webhookRoutes } from './webhook.js';

/** Routes of the stream processor's outputs and settings (docs/API.md, "Insights and interventions"). */
export const processorRoutes: readonly Route[] = [
  interventionsStreamRoute,
  insightStatusRoute,
  insightGroupStatusRoute,
  ...webhookRoutes,
  ...interventionRulesRoutes,
];
