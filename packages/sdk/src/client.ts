import { listen, pageContext } from './core/dom.js';
import { createIdentity, type Identity } from './core/identity.js';
import { createQueue, type EventQueue } from './core/queue.js';
import { createSender, DEFAULT_BATCH_SIZE, DEFAULT_FLUSH_INTERVAL_MS, type Sender } from './core/sender.js';
import { createSession, type Session } from './core/session.js';
import { uuidv7 } from './core/uuid.js';
import { createInterventions, type Intervention, type InterventionHandler } from './interventions.js';
import { createJourneys, type JourneyState } from './journeys.js';
import { PLUGINS, type PluginName } from './plugins/index.js';
import type { PluginContext } from './plugins/plugin.js';
import type { Properties, SightlineOptions, TrackOptions } from './types.js';
import { type UploadHandle, type UploadOptions, upload } from './uploads.js';

export const DEFAULT_MAX_QUEUE_SIZE = 1000;
/** Calls kept while `init` has not run yet. */
export const MAX_PENDING_CALLS = 1000;

export interface Sightline {
  /** Starts the SDK; later calls are ignored until `shutdown`. Returns the client. */
  init(options: SightlineOptions): Sightline;
  track(event: string, properties?: Properties, options?: TrackOptions): void;
  /** Switches to a known user id and tracks `$identify` (with `$anon_distinct_id` and traits as `$set`). */
  identify(distinctId: string, traits?: Properties): void;
  /** A new anonymous distinct_id and a new session (e.g. on logout). */
  reset(): void;
  /** Stops all tracking and forgets queued events, persistently, until `optIn`. */
  optOut(): void;
  optIn(): void;
  isOptedOut(): boolean;
  /** Sends queued events now. */
  flush(): Promise<void>;
  /** Properties added to every following event. */
  register(properties: Properties): void;
  unregister(...names: string[]): void;
  getDistinctId(): string | undefined;
  getSessionId(): string | undefined;
  /** Starts automatic capture plugins that are not running; the returned function stops those it started. */
  enable(plugins: PluginName[]): () => void;
  startJourney(name: string, step: string, metadata?: Properties): void;
  moveToStep(name: string, step: string, metadata?: Properties): void;
  completeJourney(name: string, metadata?: Properties): void;
  abandonJourney(name: string, reason?: string, metadata?: Properties): void;
  getJourney(name: string): JourneyState | undefined;
  onJourneyChange(listener: () => void): () => void;
  /** Uploads a file with XMLHttpRequest, tracking real progress. */
  upload(file: Blob, options: UploadOptions): UploadHandle;
  onIntervention(handler: InterventionHandler): () => void;
  lastIntervention(): Intervention | undefined;
  interventionShown(id: string, properties?: Properties): void;
  interventionResult(id: string, result: string, properties?: Properties): void;
  /** Removes every listener and timer; `init` may be called again afterwards. */
  shutdown(): void;
}

const endpoint = (options: SightlineOptions | undefined, route: string) =>
  `${options?.host.replace(/\/+$/, '')}/v1/${route}`;

interface Core {
  options: SightlineOptions;
  identity: Identity;
  session: Session;
  queue: EventQueue;
  sender: Sender;
}

export function createSightline(): Sightline {
  let core: Core | undefined;
  let stops: Array<() => void> = [];
  const pending: Array<() => void> = [];
  const running = new Map<PluginName, () => void>();
  const registered: Properties = {};
  const unloadHooks = new Set<() => void>();
  const onceKeys = new Set<string>();

  /** Runs now when initialised, otherwise once `init` has run. */
  const whenReady =
    <A extends unknown[]>(run: (core: Core, ...args: A) => void) =>
    (...args: A): void => {
      if (core) run(core, ...args);
      else if (pending.length < MAX_PENDING_CALLS) pending.push(() => core && run(core, ...args));
    };

  const capture = whenReady((c, event: string, properties: Properties | undefined, timestamp: number) => {
    if (c.identity.optedOut()) return;
    const length = c.queue.add({
      uuid: uuidv7(timestamp),
      event,
      timestamp,
      distinct_id: c.identity.distinctId(),
      session_id: c.session.touch(timestamp),
      properties: { ...pageContext(), ...c.options.properties, ...registered, ...properties },
    });
    c.sender.enqueued(length);
  });
  const track = (event: string, properties?: Properties, options?: TrackOptions) =>
    capture(event, properties, options?.timestamp ?? Date.now());

  const journeys = createJourneys(track);
  const interventions = createInterventions((sessionId) => {
    const query = new URLSearchParams({ session_id: sessionId, api_key: core?.options.key ?? '' });
    return `${endpoint(core?.options, 'interventions')}?${query}`;
  }, track);
  const connectInterventions = (c: Core) => {
    if (c.options.interventions && !c.identity.optedOut())
      interventions.connect(c.session.touch(Date.now(), false));
  };

  const context: PluginContext = {
    track,
    onUnload(hook) {
      unloadHooks.add(hook);
      return () => unloadHooks.delete(hook);
    },
    once: (key) => !onceKeys.has(key) && !!onceKeys.add(key),
    options: { key: '', host: '' },
  };
  const startPlugin = (name: PluginName) => !running.has(name) && !!running.set(name, PLUGINS[name](context));
  const stopPlugin = (name: PluginName) => {
    running.get(name)?.();
    running.delete(name);
  };

  const client: Sightline = {
    init(options) {
      if (core || typeof window === 'undefined') return client;
      const prefix = `sl_${options.key}_`;
      const queue = createQueue(`${prefix}queue`, options.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE);
      const c: Core = {
        options,
        identity: createIdentity(prefix),
        session: createSession(`${prefix}session`, () => core && connectInterventions(core)),
        queue,
        sender: createSender({
          url: endpoint(options, 'events'),
          apiKey: options.key,
          queue,
          batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
          flushInterval: options.flushInterval ?? DEFAULT_FLUSH_INTERVAL_MS,
          compression: options.compression !== false,
          maxQueueSize: options.maxQueueSize ?? DEFAULT_MAX_QUEUE_SIZE,
        }),
      };
      core = c;
      context.options = options;
      stops = [
        listen(window, 'pagehide', () => {
          for (const hook of unloadHooks) hook();
          journeys.abandonAll('page_exit');
          c.sender.beaconAll();
        }),
        // visibilitychange bubbles from document: on window this runs after the plugins' own listeners.
        listen(window, 'visibilitychange', () => document.hidden && c.sender.flush(true)),
        listen(window, 'online', () => c.sender.retryNow()),
      ];
      for (const run of pending.splice(0)) run();
      for (const name of Object.keys(PLUGINS) as PluginName[]) if (options[name] !== false) startPlugin(name);
      connectInterventions(c);
      // Events left unacknowledged by earlier pages go out now.
      c.sender.flush();
      return client;
    },
    track,
    identify: whenReady((c, distinctId: string, traits?: Properties) => {
      const anonymousId = c.identity.distinctId();
      c.identity.set(distinctId);
      track('$identify', { $anon_distinct_id: anonymousId, $set: traits });
    }),
    reset: whenReady((c) => {
      c.identity.reset();
      c.session.reset();
    }),
    optOut: whenReady((c) => {
      c.identity.setOptOut(true);
      c.queue.clear();
      interventions.close();
    }),
    optIn: whenReady((c) => {
      c.identity.setOptOut(false);
      connectInterventions(c);
    }),
    isOptedOut: () => !!core?.identity.optedOut(),
    flush: () => core?.sender.flush() ?? Promise.resolve(),
    register: (properties) => Object.assign(registered, properties),
    unregister(...names) {
      for (const name of names) delete registered[name];
    },
    getDistinctId: () => core?.identity.distinctId(),
    getSessionId: () => core?.session.touch(Date.now(), false),
    enable(plugins) {
      let stopped = false;
      const started: PluginName[] = [];
      whenReady(() => {
        if (!stopped) for (const name of plugins) if (startPlugin(name)) started.push(name);
      })();
      return () => {
        stopped = true;
        for (const name of started) stopPlugin(name);
      };
    },
    startJourney: journeys.start,
    moveToStep: journeys.move,
    completeJourney: journeys.complete,
    abandonJourney: journeys.abandon,
    getJourney: journeys.get,
    onJourneyChange: journeys.subscribe,
    upload: (file, options) => upload(track, file, options),
    onIntervention: interventions.subscribe,
    lastIntervention: interventions.latest,
    interventionShown: interventions.shown,
    interventionResult: interventions.result,
    shutdown() {
      for (const name of [...running.keys()]) stopPlugin(name);
      for (const stop of stops) stop();
      core?.sender.stop();
      interventions.close();
      core = undefined;
    },
  };
  return client;
}
