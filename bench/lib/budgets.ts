/**
 * The budgets the benches judge against, as docs/ARCHITECTURE.md (Budgets) states them: the one
 * place in bench/ that holds them, so a verdict and its table header cannot disagree.
 */
export const BUDGETS = {
  /** Durable ingest of 50-event batches (plain and gzip), as a ratio of the durable reference. */
  batchRatio: 0.5,
  /** …with acknowledgements p99 at most this, ms. */
  batchP99AckMs: 50,
  /** Durable ingest of one-event requests over 16 connections, as a ratio of the reference. */
  singleRatio: 0.6,
  /** The fixed-rate load lag, live updates and interventions are measured under, events/s. */
  loadEventsPerSecond: 20_000,
  /** Loader and processor lag p95 under that load (every minute of the soak), ms. */
  lagP95Ms: 250,
  /** Event → live dashboard update and event → intervention p95 under that load, ms. */
  latencyP95Ms: 250,
  /** Server RSS throughout the soak, MiB (1 GiB). */
  soakRssMiB: 1024,
} as const;

/** `within` or `over`, for a table's verdict column. */
export function verdict(ok: boolean): string {
  return ok ? 'within' : '**over**';
}

/**
 * A note when a paced load fell short of BUDGETS.loadEventsPerSecond (the server answered slower
 * than the pace over its 16 connections): the figures measured under it are not the budget's.
 */
export function loadShortfall(eventsPerSecond: number): string[] {
  if (eventsPerSecond >= BUDGETS.loadEventsPerSecond * 0.95) return [];
  return [
    '',
    `Note: the load reached ${Math.round(eventsPerSecond).toLocaleString('en-US')} of ${BUDGETS.loadEventsPerSecond.toLocaleString('en-US')} events/s (acknowledgements slower than the pace): the figures above were not measured at the budget's load.`,
  ];
}
