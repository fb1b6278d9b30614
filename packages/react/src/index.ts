// One file per export group, so later hooks (e.g. useLiveQuery over @sightline/client) slot in beside these.
export { SightlineContext, useSightline, useTrack } from './context.js';
export {
  LiveQueryContext,
  LiveQueryError,
  LiveQueryProvider,
  type LiveQueryProviderProps,
  type LiveQuerySource,
  useLiveQuery,
} from './live-query.js';
export { SightlineProvider, type SightlineProviderProps } from './provider.js';
export { TRACKING_WRAPPER_PLUGINS, TrackingWrapper, type TrackingWrapperProps } from './tracking-wrapper.js';
export { type InterventionState, useIntervention } from './use-intervention.js';
export { type UserJourney, useUserJourney } from './use-user-journey.js';
