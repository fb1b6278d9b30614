/** The native event names (packages/sdk/README.md, Events). Any other name is allowed; these are the ones Sightline understands. */
export const EVENTS = {
  pageView: 'page_view',
  pagePerformance: 'page_performance',
  engagementSummary: 'engagement_summary',
  scrollDepth: 'scroll_depth',
  userClick: 'user_click',
  tabHidden: 'tab_hidden',
  tabVisible: 'tab_visible',
  error: 'error',
  fileSelected: 'file_selected',
  uploadStarted: 'upload_started',
  uploadProgress: 'upload_progress',
  uploadComplete: 'upload_complete',
  uploadFailed: 'upload_failed',
  analysisStarted: 'analysis_started',
  analysisComplete: 'analysis_complete',
  journeyStarted: 'journey_started',
  journeyStep: 'journey_step',
  journeyCompleted: 'journey_completed',
  journeyAbandoned: 'journey_abandoned',
  interventionShown: '$intervention_shown',
  interventionResult: '$intervention_result',
} as const;

export type NativeEventName = (typeof EVENTS)[keyof typeof EVENTS];

/** Apps that name steps in the event itself send `journey_step_<step>` (docs/SEMANTICS.md, Journeys). */
export const JOURNEY_STEP_EVENT_PREFIX = 'journey_step_';
