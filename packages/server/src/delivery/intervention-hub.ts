import type { ServerResponse } from 'node:http';
import { ApiError } from '../errors.js';
import { KeyedSlots, takeAll } from '../http/slots.js';
import { WriteNotices } from '../live/write-notices.js';
import { sessionKey } from '../processor/session-state.js';
import type { StorageEngine } from '../storage/engine.js';
import type { InterventionRecord } from '../storage/processor-records.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream-limits.js';

/** Ids remembered as sent, so an intervention racing between "pending" and "new" goes out once. */
const CLAIMED_MEMORY = 20_000;
/** Open streams per session (tabs); the oldest is closed beyond it. */
export const MAX_STREAMS_PER_SESSION = 8;
/** Seconds a refused stream is told to wait: long enough for a cap to have room again, short for a real visitor. */
export const INTERVENTION_STREAM_RETRY_AFTER_S = 30;

const REFUSALS = {
  client: 'too many intervention streams from this address',
  project: 'too many intervention streams for this project',
  total: 'the server holds as many intervention streams as it allows',
} as const;

/** What the SDK receives (docs/API.md, `GET /v1/interventions`). */
export interface InterventionMessage {
  id: string;
  action: string;
  insight_type: string;
  risk_factors: string[];
  message: string;
}

export function toMessage(v: InterventionRecord): InterventionMessage {
  return {
    id: v.id,
    action: v.action,
    insight_type: v.insight_type,
    risk_factors: v.risk_factors,
    message: v.message,
  };
}

/**
 * Delivers interventions over SSE to the session they are for, each at most once: pending ones
 * when the session connects, new ones as the processor commits them. Delivery is recorded
 * (delivered_at); hold-out interventions are never sent. Streams are capped per client, per
 * project and in total (stream-limits.ts), and one that stops reading is closed.
 */
export class InterventionHub {
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private readonly claimed = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;
  readonly limits: StreamLimits;
  private readonly perClient: KeyedSlots;
  private readonly perProject: KeyedSlots;
  private readonly total: KeyedSlots;

  constructor(
    private readonly engine: StorageEngine,
    private readonly clock: () => number = Date.now,
    limits: Partial<StreamLimits> = {},
    /** Hears of each recorded delivery (the interventions query counts delivered ones). */
    private readonly notices = new WriteNotices(),
  ) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
    this.perClient = new KeyedSlots(this.limits.maxPerClient);
    this.perProject = new KeyedSlots(this.limits.maxPerProject);
    this.total = new KeyedSlots(this.limits.maxTotal);
    this.heartbeat = setInterval(() => {
      for (const set of this.streams.values()) for (const res of set) this.write(res, ': ping\n\n');
    }, this.limits.heartbeatMs);
    this.heartbeat.unref();
  }

  get openStreams(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  /**
   * Turns the response into the session's stream and sends what is pending for it. `client` is
   * the caller's address key (http/client-address.ts). Over a stream cap it throws
   * `rate_limited` before anything is written, so the caller answers 429.
   */
  async attach(projectId: string, sessionId: string, res: ServerResponse, client: string): Promise<void> {
    // Widest cap first, so a refusal names the server when it is the server that is full.
    const slot = takeAll([
      { name: 'total', slots: this.total, key: '' },
      { name: 'project', slots: this.perProject, key: projectId },
      { name: 'client', slots: this.perClient, key: client },
    ]);
    // The SDK reconnects with its own backoff; this tells other clients when to try again.
    if ('full' in slot)
      throw new ApiError('rate_limited', REFUSALS[slot.full.name], {
        retryAfterS: INTERVENTION_STREAM_RETRY_AFTER_S,
      });
    // A peer gone before now already had its 'close': release at once rather than wait for one.
    if (res.destroyed || !res.socket || res.socket.destroyed) {
      slot.release();
      return;
    }
    res.once('close', slot.release);
    const key = sessionKey(projectId, sessionId);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    this.write(res, 'retry: 3000\n\n');
    let set = this.streams.get(key);
    if (!set) {
      set = new Set();
      this.streams.set(key, set);
    }
    set.add(res);
    if (set.size > MAX_STREAMS_PER_SESSION) set.values().next().value?.end();
    res.on('close', () => {
      set.delete(res);
      if (set.size === 0 && this.streams.get(key) === set) this.streams.delete(key);
    });
    const pending = await this.engine.pendingInterventions(projectId, sessionId);
    this.send(key, pending);
  }

  /** New interventions from the processor: sent now to sessions that are connected. */
  deliver(interventions: readonly InterventionRecord[]): void {
    for (const v of interventions) {
      if (v.held_out) continue;
      const key = sessionKey(v.project_id, v.session_id);
      if (this.streams.has(key)) this.send(key, [v]);
    }
  }

  closeAll(): void {
    clearInterval(this.heartbeat);
    for (const set of this.streams.values()) for (const res of set) res.end();
    this.streams.clear();
  }

  private send(key: string, interventions: readonly InterventionRecord[]): void {
    const streams = this.streams.get(key);
    if (!streams || streams.size === 0) return;
    const sent: string[] = [];
    let projectId = '';
    for (const v of interventions) {
      if (v.held_out || this.claimed.has(v.id)) continue;
      this.claim(v.id);
      const frame = `id: ${v.id}\nevent: intervention\ndata: ${JSON.stringify(toMessage(v))}\n\n`;
      for (const res of streams) this.write(res, frame);
      sent.push(v.id);
      projectId = v.project_id;
    }
    if (sent.length > 0)
      this.engine
        .markInterventionsDelivered(sent, this.clock())
        // One session's stream: every intervention sent here is of the same project.
        .then(() => this.notices.notifyWrite(projectId, ['interventions']))
        .catch((error: unknown) => {
          console.error('[sightline] recording intervention delivery failed:', (error as Error).message);
        });
  }

  /**
   * Writes a frame, unless the peer stopped reading: with more than the limit still waiting from
   * earlier frames, the stream is closed instead (so it holds at most the limit plus one frame).
   */
  private write(res: ServerResponse, text: string): void {
    if (res.destroyed) return;
    if (res.writableLength > this.limits.maxBufferedBytes) res.destroy();
    else res.write(text);
  }

  private claim(id: string): void {
    this.claimed.add(id);
    if (this.claimed.size > CLAIMED_MEMORY) this.claimed.delete(this.claimed.values().next().value!);
  }
}
