// Core Web Vitals from PerformanceObserver, following the definitions on web.dev:
// LCP = last largest-contentful-paint entry; CLS = largest session window of layout shifts
// (gaps < 1 s, window < 5 s, shifts right after input excluded); INP = the worst interaction,
// ignoring one outlier per 50 interactions; FCP = first-contentful-paint; TTFB = responseStart.
//
// Each value belongs to a page view: the document's load, then one per single-page-app route.
// An entry goes to the page view that was current at its startTime, so the click that changed the
// route counts for the page it was made on. LCP, FCP and TTFB measure the document's load and
// belong to the first page view only (Google's web-vitals package cannot restart INP and CLS at a
// route change outside Chrome's experimental soft navigations, hence this small implementation).

export const CLS_SESSION_GAP_MS = 1000;
export const CLS_SESSION_MAX_MS = 5000;
/** Event Timing's smallest reported duration: interactions faster than this cannot matter to INP. */
export const INP_DURATION_THRESHOLD_MS = 40;
/**
 * Page views kept open for entries still on their way: the current one and the one before it,
 * whose last interaction (often the click that changed the route) is reported after its paint.
 */
export const OPEN_PAGE_VIEWS = 2;

export interface WebVitals {
  lcp?: number;
  fcp?: number;
  cls?: number;
  inp?: number;
  ttfb?: number;
}

type Entry = PerformanceEntry & {
  value?: number;
  hadRecentInput?: boolean;
  interactionId?: number;
  responseStart?: number;
};

/** INP from each interaction's longest duration. */
export function interactionToNextPaint(durations: number[]): number | undefined {
  const sorted = [...durations].sort((a, b) => b - a);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length / 50))];
}

/** What one page view measured; `read` takes the entries the browser holds for it first. */
export interface PageVitals {
  read(): WebVitals;
}

interface PageState {
  /** performance.now() when the page view began (0 for the document's load). */
  start: number;
  load: boolean;
  lcp?: number;
  fcp?: number;
  cls: number;
  windowValue: number;
  windowStart: number;
  windowLast: number;
  interactions: Map<number, number>;
}

export interface VitalsObserver {
  /** The document's page view: load vitals plus its own INP and CLS. */
  readonly first: PageVitals;
  /** Starts the next page view now (a route change): INP and CLS start again, load vitals stay with the first. */
  nextPage(): PageVitals;
  stop(): void;
}

const newPage = (start: number, load: boolean): PageState => ({
  start,
  load,
  cls: 0,
  windowValue: 0,
  windowStart: 0,
  windowLast: Number.NEGATIVE_INFINITY,
  interactions: new Map(),
});

/** `onFirstPaint` runs when first-contentful-paint is known. */
export function observeWebVitals(onFirstPaint?: () => void): VitalsObserver {
  let pages = [newPage(0, true)];
  const observers = new Map<PerformanceObserver, (entry: Entry) => void>();
  const supports = (type: string) => !!globalThis.PerformanceObserver?.supportedEntryTypes?.includes(type);
  // The open page view current at `time`; undefined when that page view is closed.
  const pageAt = (time: number) => {
    for (let i = pages.length - 1; i >= 0; i--)
      if ((pages[i] as PageState).start <= (time || 0)) return pages[i];
    return undefined;
  };

  const observe = (type: string, onEntry: (entry: Entry) => void, options: object = {}) => {
    if (!supports(type)) return;
    const observer = new PerformanceObserver((list) => list.getEntries().forEach(onEntry));
    observer.observe({ type, buffered: true, ...options });
    observers.set(observer, onEntry);
  };

  observe('paint', (entry) => {
    const page = pageAt(entry.startTime);
    if (entry.name !== 'first-contentful-paint' || !page?.load) return;
    page.fcp = Math.round(entry.startTime);
    onFirstPaint?.();
  });
  observe('largest-contentful-paint', (entry) => {
    const page = pageAt(entry.startTime);
    if (page?.load) page.lcp = Math.round(entry.startTime);
  });
  observe('layout-shift', (entry) => {
    const page = pageAt(entry.startTime);
    if (!page || entry.hadRecentInput) return;
    if (
      entry.startTime - page.windowLast > CLS_SESSION_GAP_MS ||
      entry.startTime - page.windowStart > CLS_SESSION_MAX_MS
    ) {
      page.windowValue = 0;
      page.windowStart = entry.startTime;
    }
    page.windowValue += entry.value ?? 0;
    page.windowLast = entry.startTime;
    page.cls = Math.max(page.cls, Math.round(page.windowValue * 10_000) / 10_000);
  });
  const onInteraction = (entry: Entry) => {
    const id = entry.interactionId;
    const interactions = pageAt(entry.startTime)?.interactions;
    if (id && interactions) interactions.set(id, Math.max(entry.duration, interactions.get(id) ?? 0));
  };
  observe('event', onInteraction, { durationThreshold: INP_DURATION_THRESHOLD_MS });
  observe('first-input', onInteraction);

  const reader = (page: PageState): PageVitals => ({
    read() {
      // Observer callbacks arrive as low-priority tasks: take what is pending now.
      for (const [observer, onEntry] of observers) observer.takeRecords().forEach(onEntry);
      const vitals: WebVitals = {};
      if (page.load) {
        const navigation = performance.getEntriesByType('navigation')[0] as Entry | undefined;
        if (navigation?.responseStart) vitals.ttfb = Math.round(navigation.responseStart);
        if (page.fcp !== undefined) vitals.fcp = page.fcp;
        if (page.lcp !== undefined) vitals.lcp = page.lcp;
      }
      // A page view without any shift has a CLS of 0, where the browser reports shifts at all.
      if (supports('layout-shift')) vitals.cls = page.cls;
      const inp = interactionToNextPaint([...page.interactions.values()]);
      if (inp !== undefined) vitals.inp = Math.round(inp);
      return vitals;
    },
  });

  return {
    first: reader(pages[0] as PageState),
    nextPage() {
      const page = newPage(performance.now(), false);
      pages = [...pages, page].slice(-OPEN_PAGE_VIEWS);
      return reader(page);
    },
    stop: () => {
      for (const observer of observers.keys()) observer.disconnect();
    },
  };
}
