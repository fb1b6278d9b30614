import { EVENTS, JOURNEY_STEP_EVENT_PREFIX } from './vocabulary.js';

/**
 * Which properties of an event say what happened, per event name: the one list the session
 * timeline shows inline (the server returns them as `details`; the dashboard prints them as they
 * come). Names are those the SDK sends (packages/sdk/README.md, Events) and posthog-js's
 * (`$autocapture` with its element chain, `$exception`, `$rageclick`, `$dead_click`). Events not
 * listed show their own properties, without the page context every event carries.
 */

/** How the dashboard formats a number: it owns the formatting, this list only says what the number is. */
export type TimelineDetailUnit = 'ms' | 'bytes' | 'percent';

export interface TimelineDetail {
  label: string;
  value: string | number;
  unit?: TimelineDetailUnit;
}

/** What a detail reads: the event's name, its page path (the stored column) and its properties. */
export interface TimelineDetailSource {
  event: string;
  path: string;
  properties: unknown;
}

type Properties = Readonly<Record<string, unknown>>;

interface DetailField {
  label: string;
  unit?: TimelineDetailUnit;
  read(properties: Properties, source: TimelineDetailSource): unknown;
}

/**
 * A value longer than this is cut (with "…"): a detail is a line to read at a glance, and the whole
 * value stays in the event's `properties`.
 */
export const TIMELINE_DETAIL_MAX_LENGTH = 200;
/** Properties shown for an event not in the list: enough to recognise it, few enough for a phone. */
export const TIMELINE_OTHER_DETAILS_MAX = 6;

/**
 * The page context the SDK and the simulator add to every event: said once for the session (or by
 * the path column), never repeated on each row.
 */
export const TIMELINE_CONTEXT_PROPERTIES: readonly string[] = [
  'url',
  'path',
  'referrer',
  'screen_width',
  'screen_height',
  'user_agent',
];

const prop =
  (name: string) =>
  (p: Properties): unknown =>
    p[name];
const field = (label: string, name: string, unit?: TimelineDetailUnit): DetailField => ({
  label,
  read: prop(name),
  ...(unit ? { unit } : {}),
});

/** `file.js:12:5` from the SDK's `filename`, `lineno`, `colno`. */
const scriptPosition = (p: Properties): string | undefined => {
  const file = p['filename'];
  if (typeof file !== 'string' || file === '') return undefined;
  const line = p['lineno'];
  const column = p['colno'];
  return [file, line, column].filter((part) => part !== undefined && part !== null).join(':');
};

/** The first exception posthog-js reports (`$exception_list`), or its older flat fields. */
const firstException = (p: Properties): Properties => {
  const list = p['$exception_list'];
  const first = Array.isArray(list) ? list[0] : undefined;
  return first !== null && typeof first === 'object' ? (first as Properties) : {};
};

/** The innermost frame with a file: posthog-js lists frames outermost first. */
const exceptionPosition = (p: Properties): string | undefined => {
  const stack = firstException(p)['stacktrace'] as Properties | undefined;
  const frames = Array.isArray(stack?.['frames']) ? (stack['frames'] as Properties[]) : [];
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    const file = frame?.['filename'] ?? frame?.['abs_path'];
    if (typeof file === 'string' && file !== '')
      return [file, frame?.['lineno'], frame?.['colno']]
        .filter((x) => x !== undefined && x !== null)
        .join(':');
  }
  return undefined;
};

/**
 * The element clicked, from posthog-js's `$elements_chain` (the clicked element first:
 * `tag.class:attr__id="x"text="Buy";parent…`) or its older `$elements` array.
 */
export function clickedElement(p: Properties): { tag: string; id: string; text: string } | null {
  const chain = p['$elements_chain'];
  if (typeof chain === 'string' && chain !== '') return parseFirstChainElement(chain);
  const elements = p['$elements'];
  const first = Array.isArray(elements) ? (elements[0] as Properties | undefined) : undefined;
  if (!first || typeof first !== 'object') return null;
  return {
    tag: String(first['tag_name'] ?? ''),
    id: String(first['attr__id'] ?? ''),
    text: String(first['$el_text'] ?? ''),
  };
}

function parseFirstChainElement(chain: string): { tag: string; id: string; text: string } {
  // The first element ends at the first `;` outside a quoted value.
  let end = 0;
  let quoted = false;
  for (; end < chain.length; end++) {
    const c = chain[end];
    if (c === '\\') end++;
    else if (c === '"') quoted = !quoted;
    else if (c === ';' && !quoted) break;
  }
  const element = chain.slice(0, end);
  const attributes = new Map<string, string>();
  for (const match of element.matchAll(/([\w$-]+)="((?:\\.|[^"\\])*)"/g))
    attributes.set(match[1]!, match[2]!.replace(/\\(.)/g, '$1'));
  const tag = /^[a-zA-Z][\w-]*/.exec(element)?.[0] ?? '';
  return { tag, id: attributes.get('attr__id') ?? '', text: attributes.get('text') ?? '' };
}

const elementName = (tag: string, id: string) => (tag && id ? `${tag}#${id}` : tag || (id ? `#${id}` : ''));

const SDK_ELEMENT: DetailField = {
  label: 'Element',
  read: (p) => elementName(String(p['element_tag'] ?? ''), String(p['element_id'] ?? '')),
};
const CHAIN_ELEMENT: DetailField = {
  label: 'Element',
  read: (p) => {
    const element = clickedElement(p);
    return element ? elementName(element.tag, element.id) : undefined;
  },
};
const CHAIN_TEXT: DetailField = { label: 'Text', read: (p) => clickedElement(p)?.text };

const FILE_FIELDS = [
  field('File', 'file_name'),
  field('Size', 'file_size', 'bytes'),
  field('Type', 'file_type'),
];

/** Per event name, the properties that say what happened, in the order they are shown. */
export const TIMELINE_DETAILS: Readonly<Record<string, readonly DetailField[]>> = {
  [EVENTS.pageView]: [{ label: 'Page', read: (_p, source) => source.path }, field('Title', 'title')],
  [EVENTS.pagePerformance]: [
    field('Load', 'page_load_time', 'ms'),
    field('First byte', 'ttfb', 'ms'),
    field('LCP', 'lcp', 'ms'),
  ],
  web_vitals: [field('LCP', 'lcp', 'ms'), field('INP', 'inp', 'ms'), field('CLS', 'cls')],
  [EVENTS.engagementSummary]: [
    field('Time on page', 'time_on_page', 'ms'),
    field('Clicks', 'click_events'),
    field('Scrolls', 'scroll_events'),
  ],
  [EVENTS.scrollDepth]: [field('Scrolled', 'scroll_percent', 'percent')],
  [EVENTS.userClick]: [SDK_ELEMENT, field('Selector', 'selector')],
  rage_click: [field('Element', 'selector'), field('Clicks', 'click_count')],
  dead_click: [field('Element', 'selector')],
  $autocapture: [field('Action', '$event_type'), CHAIN_ELEMENT, CHAIN_TEXT],
  $rageclick: [CHAIN_ELEMENT, CHAIN_TEXT],
  $dead_click: [CHAIN_ELEMENT, CHAIN_TEXT],
  [EVENTS.tabHidden]: [field('Time on page', 'time_on_page', 'ms')],
  [EVENTS.tabVisible]: [field('Time on page', 'time_on_page', 'ms')],
  [EVENTS.error]: [
    field('Message', 'message'),
    field('Source', 'source'),
    { label: 'At', read: scriptPosition },
  ],
  $exception: [
    { label: 'Message', read: (p) => firstException(p)['value'] ?? p['$exception_message'] },
    { label: 'Type', read: (p) => firstException(p)['type'] ?? p['$exception_type'] },
    { label: 'At', read: exceptionPosition },
  ],
  [EVENTS.fileSelected]: FILE_FIELDS,
  [EVENTS.uploadStarted]: FILE_FIELDS,
  [EVENTS.uploadProgress]: [
    field('Progress', 'progress_percent', 'percent'),
    field('Sent', 'bytes_loaded', 'bytes'),
    field('Remaining', 'estimated_remaining', 'ms'),
  ],
  [EVENTS.uploadComplete]: [field('Took', 'upload_duration', 'ms'), field('Status', 'status')],
  [EVENTS.uploadFailed]: [
    field('Error', 'error'),
    field('Status', 'status'),
    field('After', 'upload_duration', 'ms'),
  ],
  [EVENTS.journeyStarted]: [field('Journey', 'journey_name'), field('Step', 'initial_step')],
  [EVENTS.journeyStep]: [
    field('Journey', 'journey_name'),
    field('Step', 'step'),
    field('After', 'step_duration', 'ms'),
  ],
  [EVENTS.journeyCompleted]: [
    field('Journey', 'journey_name'),
    field('Steps', 'total_steps'),
    field('Took', 'total_duration', 'ms'),
  ],
  [EVENTS.journeyAbandoned]: [
    field('Journey', 'journey_name'),
    field('At step', 'abandon_step'),
    field('Reason', 'abandon_reason'),
  ],
  [EVENTS.interventionShown]: [field('Action', 'action')],
  [EVENTS.interventionResult]: [field('Action', 'action'), field('Result', 'result')],
};

/** `journey_step_<step>` events: the step is in the name. */
const NAMED_STEP_FIELDS: readonly DetailField[] = [
  field('Journey', 'journey_name'),
  { label: 'Step', read: (_p, source) => source.event.slice(JOURNEY_STEP_EVENT_PREFIX.length) },
];

function fieldsFor(event: string): readonly DetailField[] | null {
  if (Object.hasOwn(TIMELINE_DETAILS, event)) return TIMELINE_DETAILS[event]!;
  if (event.startsWith(JOURNEY_STEP_EVENT_PREFIX) && event.length > JOURNEY_STEP_EVENT_PREFIX.length)
    return NAMED_STEP_FIELDS;
  return null;
}

const cut = (text: string) =>
  text.length > TIMELINE_DETAIL_MAX_LENGTH ? `${text.slice(0, TIMELINE_DETAIL_MAX_LENGTH - 1)}…` : text;

/** A property value as a detail value, or undefined when there is nothing to show. */
function detailValue(value: unknown): string | number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return cut(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return cut(JSON.stringify(value));
}

const isContext = (name: string) => name.startsWith('$') || TIMELINE_CONTEXT_PROPERTIES.includes(name);

/** What the timeline shows inline for one event: the listed properties, or the event's own ones. */
export function timelineDetails(source: TimelineDetailSource): TimelineDetail[] {
  const properties: Properties =
    source.properties !== null && typeof source.properties === 'object' && !Array.isArray(source.properties)
      ? (source.properties as Properties)
      : {};
  const fields = fieldsFor(source.event);
  const details: TimelineDetail[] = [];
  if (fields) {
    for (const f of fields) {
      const value = detailValue(f.read(properties, source));
      if (value !== undefined) details.push({ label: f.label, value, ...(f.unit ? { unit: f.unit } : {}) });
    }
    return details;
  }
  for (const [name, raw] of Object.entries(properties)) {
    if (details.length >= TIMELINE_OTHER_DETAILS_MAX) break;
    if (isContext(name)) continue;
    const value = detailValue(raw);
    if (value !== undefined) details.push({ label: name, value });
  }
  return details;
}

/** The session's device and screen, said once above its timeline. */
export interface SessionClient {
  browser: string;
  os: string;
  device: string;
  /** `width×height` in CSS pixels, when the client sent it. */
  screen: string | null;
}

/** `390×844` from the SDK's `screen_width` / `screen_height` or posthog-js's `$screen_width` / `$screen_height`. */
export function screenOf(properties: unknown): string | null {
  if (properties === null || typeof properties !== 'object') return null;
  const p = properties as Properties;
  const width = p['screen_width'] ?? p['$screen_width'];
  const height = p['screen_height'] ?? p['$screen_height'];
  return typeof width === 'number' && typeof height === 'number' ? `${width}×${height}` : null;
}
