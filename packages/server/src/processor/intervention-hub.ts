import type { ServerResponse } from 'node:http';
import type { StorageEngine } from '../storage/engine.js';
import type { InterventionRecord } from '../storage/processor-records.js';
import { sessionKey } from './session-state.js';

/** A comment line this often keeps proxies from closing an idle stream. */
export const SSE_HEARTBEAT_MS = 15_000;
/** Ids remembered as sent, so an intervention racing between "pending" and "new" goes out once. */
const CLAIMED_MEMORY = 20_000;
/** Open streams per session (tabs); the oldest is closed beyond it. */
export const MAX_STREAMS_PER_SESSION = 8;

/** What the SDK receives (DESIGN §5). */
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
 * (delivered_at); hold-out interventions are never sent.
 */
export class InterventionHub {
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private readonly claimed = new Set<string>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly engine: StorageEngine,
    private readonly clock: () => number = Date.now,
  ) {
    this.heartbeat = setInterval(() => {
      for (const set of this.streams.values()) for (const res of set) res.write(': ping\n\n');
    }, SSE_HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get openStreams(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  /** Turns the response into the session's stream and sends what is pending for it. */
  async attach(projectId: string, sessionId: string, res: ServerResponse): Promise<void> {
    const key = sessionKey(projectId, sessionId);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n\n');
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
    for (const v of interventions) {
      if (v.held_out || this.claimed.has(v.id)) continue;
      this.claim(v.id);
      const frame = `id: ${v.id}\nevent: intervention\ndata: ${JSON.stringify(toMessage(v))}\n\n`;
      for (const res of streams) res.write(frame);
      sent.push(v.id);
    }
    if (sent.length > 0)
      this.engine.markInterventionsDelivered(sent, this.clock()).catch((error: unknown) => {
        console.error('[sightline] recording intervention delivery failed:', (error as Error).message);
      });
  }

  private claim(id: string): void {
    this.claimed.add(id);
    if (this.claimed.size > CLAIMED_MEMORY) this.claimed.delete(this.claimed.values().next().value!);
  }
}
