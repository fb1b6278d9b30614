/**
 * The traffic simulator (issue #7): realistic sessions through the demo app's funnel with
 * configurable friction, sent through the real capture API. `sightline simulate` and
 * `sightline start` (demo traffic) use it; the benchmarks can reuse the generator.
 */
export { exitEvents, pageContext } from './exit.js';
export { interventionReaction, listenForInterventions, type ReceivedIntervention } from './interventions.js';
export { createRng, type Rng, uuidv7 } from './prng.js';
export { DEVICES, type DeviceProfile } from './profiles.js';
export { runTraffic, type TrafficOptions, TrafficSimulator, type TrafficStats } from './sender.js';
export {
  DEFAULT_FRICTION,
  type FrictionOptions,
  type FunnelStage,
  generateSession,
  type SessionOptions,
  type SimulatedSession,
} from './session.js';
export type { SimEvent } from './timeline.js';
