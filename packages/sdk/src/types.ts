/** Event properties: any JSON-serialisable values. */
export type Properties = Record<string, unknown>;

/** One event as it travels on the wire (docs/API.md, `POST /v1/events`). */
export interface CapturedEvent {
  uuid: string;
  event: string;
  timestamp: number;
  distinct_id: string;
  session_id: string;
  properties: Properties;
}

/** Automatic capture that can be switched off one by one in `init`. */
export interface PluginSwitches {
  /** `page_view` on load and on SPA history changes. */
  pageViews?: boolean;
  /** `page_performance` (Navigation Timing + web vitals so far) and `web_vitals` (final values, when hidden). */
  performance?: boolean;
  /** `engagement_summary` every `engagementInterval` ms. */
  engagement?: boolean;
  /** `scroll_depth` at 25/50/75/100 %. */
  scrollDepth?: boolean;
  /** `user_click`. */
  clicks?: boolean;
  /** `rage_click` hints. */
  rageClicks?: boolean;
  /** `dead_click` hints. */
  deadClicks?: boolean;
  /** `tab_hidden` / `tab_visible`. */
  visibility?: boolean;
  /** `error` from window errors and unhandled rejections. */
  errors?: boolean;
}

export interface SightlineOptions extends PluginSwitches {
  /** The project's public key. */
  key: string;
  /** Origin of the Sightline server, e.g. `https://sightline.example.com`. */
  host: string;
  /** Events per request (default 50). */
  batchSize?: number;
  /** How long an event may wait before it is sent, in ms (default 1000). */
  flushInterval?: number;
  /** Events kept in the offline queue; the oldest are dropped beyond it (default 1000). */
  maxQueueSize?: number;
  /** Gzip request bodies with CompressionStream where available (default true). */
  compression?: boolean;
  /** Properties added to every event. */
  properties?: Properties;
  /** Interval of `engagement_summary`, in ms (default 30 000). */
  engagementInterval?: number;
  /** Listen for server interventions over SSE (default false). */
  interventions?: boolean;
}

export interface TrackOptions {
  /** When the event happened (ms since epoch); defaults to now. */
  timestamp?: number;
}
