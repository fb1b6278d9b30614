/** Ends a live run's turn: how long it held the engine, ms. Calling it again does nothing. */
export type LaneRelease = (heldMs: number) => void;

export interface LiveLanesOptions {
  /** After a run of d ms the lane rests costFactor·d while others use the engine. */
  costFactor: number;
  /** Whether projects other than this one use the engine now (query-runner.ts othersActive). */
  contended(projectId: string): boolean;
}

interface Lane {
  busy: boolean;
  restUntil: number;
  timer: ReturnType<typeof setTimeout> | null;
  /** Grants of the computations waiting, oldest first. */
  waiting: Array<(release: LaneRelease) => void>;
}

/**
 * A project's live computations take turns: one re-run at a time per project, oldest waiting first.
 * While other projects use the engine, each run is followed by a rest costFactor times as long,
 * so a project's live queries hold at most 1/(costFactor+1) of one engine slot however many
 * computations it keeps: the others' queries rarely meet one of its runs. Alone on the engine,
 * a project's runs follow each other without rest.
 */
export class LiveLanes {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly options: LiveLanesOptions) {}

  /** Resolves with the release once this project's lane is free; rejects with the reason if aborted first. */
  turn(projectId: string, signal: AbortSignal): Promise<LaneRelease> {
    if (signal.aborted) return Promise.reject(signal.reason);
    let lane = this.lanes.get(projectId);
    if (!lane) {
      lane = { busy: false, restUntil: 0, timer: null, waiting: [] };
      this.lanes.set(projectId, lane);
    }
    const owner = lane;
    return new Promise<LaneRelease>((resolve, reject) => {
      const grant = (release: LaneRelease) => {
        signal.removeEventListener('abort', onAbort);
        resolve(release);
      };
      const onAbort = () => {
        const at = owner.waiting.indexOf(grant);
        if (at >= 0) owner.waiting.splice(at, 1);
        this.forgetIfIdle(projectId, owner);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      owner.waiting.push(grant);
      this.next(projectId, owner);
    });
  }

  /** Stops every rest timer (shutdown); waiting turns are ended by their signals. */
  close(): void {
    for (const lane of this.lanes.values()) if (lane.timer) clearTimeout(lane.timer);
    this.lanes.clear();
  }

  private next(projectId: string, lane: Lane): void {
    if (lane.busy || lane.timer || lane.waiting.length === 0) return;
    const wait = lane.restUntil - Date.now();
    if (wait > 0) {
      lane.timer = setTimeout(() => {
        lane.timer = null;
        this.next(projectId, lane);
      }, wait);
      return;
    }
    const grant = lane.waiting.shift() as (release: LaneRelease) => void;
    lane.busy = true;
    let released = false;
    grant((heldMs) => {
      if (released) return;
      released = true;
      lane.busy = false;
      if (this.options.contended(projectId)) lane.restUntil = Date.now() + this.options.costFactor * heldMs;
      this.next(projectId, lane);
      this.forgetIfIdle(projectId, lane);
    });
  }

  private forgetIfIdle(projectId: string, lane: Lane): void {
    if (!lane.busy && !lane.timer && lane.waiting.length === 0 && lane.restUntil <= Date.now())
      this.lanes.delete(projectId);
  }
}
