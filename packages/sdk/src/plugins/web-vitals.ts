// Core Web Vitals from PerformanceObserver, following the definitions on web.dev:
// LCP = last largest-contentful-paint entry; CLS = largest session window of layout shifts
// (gaps < 1 s, window < 5 s, shifts right after input excluded); INP = the worst interaction,
// ignoring one outlier per 50 interactions; FCP = first-contentful-paint; TTFB = responseStart.

export const CLS_SESSION_GAP_MS = 1000;
export const CLS_SESSION_MAX_MS = 5000;
export const INP_DURATION_THRESHOLD_MS = 40;

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

export interface VitalsObserver {
  read(): WebVitals;
  stop(): void;
}

/** `onFirstPaint` runs when first-contentful-paint is known. */
export function observeWebVitals(onFirstPaint?: () => void): VitalsObserver {
  const vitals: WebVitals = {};
  const interactions = new Map<number, number>();
  const observers = new Map<PerformanceObserver, (entry: Entry) => void>();
  let windowValue = 0;
  let windowStart = 0;
  let windowLast = 0;

  const observe = (type: string, onEntry: (entry: Entry) => void, options: object = {}) => {
    if (!globalThis.PerformanceObserver?.supportedEntryTypes?.includes(type)) return;
    const observer = new PerformanceObserver((list) => list.getEntries().forEach(onEntry));
    observer.observe({ type, buffered: true, ...options });
    observers.set(observer, onEntry);
  };

  observe('paint', (entry) => {
    if (entry.name !== 'first-contentful-paint') return;
    vitals.fcp = Math.round(entry.startTime);
    onFirstPaint?.();
  });
  observe('largest-contentful-paint', (entry) => {
    vitals.lcp = Math.round(entry.startTime);
  });
  observe('layout-shift', (entry) => {
    if (entry.hadRecentInput) return;
    if (
      entry.startTime - windowLast > CLS_SESSION_GAP_MS ||
      entry.startTime - windowStart > CLS_SESSION_MAX_MS
    ) {
      windowValue = 0;
      windowStart = entry.startTime;
    }
    windowValue += entry.value ?? 0;
    windowLast = entry.startTime;
    vitals.cls = Math.max(vitals.cls ?? 0, Math.round(windowValue * 10_000) / 10_000);
  });
  const onInteraction = (entry: Entry) => {
    const id = entry.interactionId;
    if (id) interactions.set(id, Math.max(entry.duration, interactions.get(id) ?? 0));
  };
  observe('event', onInteraction, { durationThreshold: INP_DURATION_THRESHOLD_MS });
  observe('first-input', onInteraction);

  return {
    read() {
      // Observer callbacks arrive as low-priority tasks: take what is pending now.
      for (const [observer, onEntry] of observers) observer.takeRecords().forEach(onEntry);
      const navigation = performance.getEntriesByType('navigation')[0] as Entry | undefined;
      if (navigation?.responseStart) vitals.ttfb = Math.round(navigation.responseStart);
      const inp = interactionToNextPaint([...interactions.values()]);
      return inp === undefined ? { ...vitals } : { ...vitals, inp: Math.round(inp) };
    },
    stop: () => {
      for (const observer of observers.keys()) observer.disconnect();
    },
  };
}
