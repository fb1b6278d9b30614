import { clicks } from './clicks.js';
import { deadClicks } from './dead-click.js';
import { engagement } from './engagement.js';
import { errors } from './errors.js';
import { pageViews } from './page-views.js';
import { performanceTiming } from './performance.js';
import type { Plugin } from './plugin.js';
import { rageClicks } from './rage-click.js';
import { scrollDepth } from './scroll-depth.js';
import { visibility } from './visibility.js';

/** Every automatic capture, by the name of its `init` switch. */
export const PLUGINS = {
  pageViews,
  performance: performanceTiming,
  engagement,
  scrollDepth,
  clicks,
  rageClicks,
  deadClicks,
  visibility,
  errors,
} satisfies Record<string, Plugin>;

export type PluginName = keyof typeof PLUGINS;
