import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { WriteNotices } from '../live/write-notices.js';
import type { DataSet } from '../query/reads.js';
import type { InterventionRecord } from '../storage/processor-records.js';

/** What one node tells the others (JSON on a core NATS subject: lost if nobody listens, never stored). */
interface BusMessage {
  from: number;
  /** Data sets written, per project: the others' live queries re-run, their caches reload. */
  writes?: Array<[projectId: string, sets: DataSet[]]>;
  /** Interventions just committed by a partition's owner: whichever node holds the session's stream sends them. */
  interventions?: InterventionRecord[];
}

/** Writes after which a node reloads what it keeps in memory of the project's settings. */
const SETTINGS_SETS: ReadonlySet<DataSet> = new Set(['rules', 'webhooks', 'settings']);

export interface ClusterBusDeps {
  notices: WriteNotices;
  deliver: (interventions: InterventionRecord[]) => void;
  /** Another node changed rules, webhooks or key settings: reload them. */
  settingsChanged: () => void;
}

/**
 * Any node, any request: every write announced on one node (WriteNotices) is announced on the
 * others, so live queries re-run and settings reload wherever the client is connected, and
 * interventions committed by a partition's owner reach an SSE client connected to another node.
 * Delivery is at most once (core NATS); a stream that misses one gets it from the store when it
 * reconnects (InterventionHub reads what is pending), and a live query missing a notice re-runs at
 * the next one.
 */
export class ClusterBus {
  private readonly subscription: Subscription;
  /** Set while a remote message is announced here, so it is not sent back out. */
  private applyingRemote = false;
  private readonly stopListening: () => void;

  constructor(
    private readonly nc: NatsConnection,
    private readonly subject: string,
    private readonly nodeId: number,
    private readonly deps: ClusterBusDeps,
  ) {
    this.subscription = nc.subscribe(subject, {
      callback: (error, message) => {
        if (error) return;
        try {
          this.receive(message.json<BusMessage>());
        } catch (failure) {
          console.error('[sightline] cluster message:', (failure as Error).message);
        }
      },
    });
    this.stopListening = deps.notices.onWrite((projectId, sets) => {
      if (!this.applyingRemote) this.send({ from: nodeId, writes: [[projectId, [...sets]]] });
    });
  }

  /** A partition's owner committed these interventions (delivered here by the caller). */
  interventionsCommitted(interventions: InterventionRecord[]): void {
    // Held-out ones are never sent to anyone.
    const sent = interventions.filter((v) => !v.held_out);
    if (sent.length > 0) this.send({ from: this.nodeId, interventions: sent });
  }

  async close(): Promise<void> {
    this.stopListening();
    await this.subscription.drain().catch(() => undefined);
  }

  private send(message: BusMessage): void {
    try {
      this.nc.publish(this.subject, JSON.stringify(message));
    } catch (error) {
      // A closed or reconnecting connection: the notice is lost here, as a crashed node's would be.
      console.error('[sightline] cluster message not sent:', (error as Error).message);
    }
  }

  private receive(message: BusMessage): void {
    if (message.from === this.nodeId) return;
    if (message.interventions) this.deps.deliver(message.interventions);
    let settings = false;
    this.applyingRemote = true;
    try {
      for (const [projectId, sets] of message.writes ?? []) {
        this.deps.notices.notifyWrite(projectId, sets);
        if (sets.some((set) => SETTINGS_SETS.has(set))) settings = true;
      }
    } finally {
      this.applyingRemote = false;
    }
    if (settings) this.deps.settingsChanged();
  }
}
