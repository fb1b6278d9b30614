import type { Worker } from 'node:worker_threads';
import type { LogOffset } from '../../log/event-log.js';
import { DurableEnd } from '../../log/file/durable-end.js';
import type { LogReaderHandoff } from '../../log/file/worker-reader.js';
import type { StorageEngine } from '../../storage/engine.js';
import { moduleWorker } from '../../util/module-worker.js';
import type { CommittedOutputs, ProcessorOptions } from '../processor.js';
import type { ProjectSettings } from '../project-settings.js';
import type { FromProcessor, StoreOp, ToProcessor } from './messages.js';

/** A crashed processor thread is started again after this long (a crash loop stays cheap). */
const RESTART_DELAY_MS = 1000;

/** What the server needs of a stream processor, wherever it runs. */
export interface ProcessorControl {
  /** The checkpoint: every event with seq ≤ it is processed and its outputs stored. */
  readonly lastSeq: number;
  /** Where a restart replays from (the last saved session state): events after it must stay readable. */
  readonly replayFrom: number;
  start(): Promise<void>;
  /** Resolves once everything acknowledged when it was called has been processed and committed. */
  drain(): Promise<void>;
  stop(): Promise<void>;
  onCommitted(listener: (outputs: CommittedOutputs) => void): () => void;
}

export interface ProcessorHostOptions {
  log: LogReaderHandoff;
  logStart: LogOffset;
  options: Partial<ProcessorOptions>;
}

/**
 * The stream processor on its own thread (processor-thread.ts), seen from the HTTP thread: it
 * answers the thread's store calls with the engine, tells it of rule changes, and hands its
 * committed outputs to the listeners (interventions, webhooks, live queries) here.
 */
export class ProcessorHost implements ProcessorControl {
  private readonly position = new DurableEnd();
  private readonly replayPosition = new DurableEnd();
  private readonly listeners = new Set<(outputs: CommittedOutputs) => void>();
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextRequest = 1;
  private worker: Worker | null = null;
  private exited: Error | null = null;
  private stopping = false;

  constructor(
    private readonly engine: StorageEngine,
    private readonly settings: ProjectSettings,
    private readonly host: ProcessorHostOptions,
  ) {}

  get lastSeq(): number {
    return this.position.get();
  }

  get replayFrom(): number {
    return this.replayPosition.get();
  }

  onCommitted(listener: (outputs: CommittedOutputs) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the thread; resolves once it loaded its checkpoint and state (it then catches up on its own). */
  start(): Promise<void> {
    this.exited = null;
    const { wallClock: _ownClock, ...options } = this.host.options;
    const worker = moduleWorker(import.meta.url, 'processor-thread', {
      log: this.host.log,
      logStart: this.host.logStart,
      position: this.position.shared,
      replayFrom: this.replayPosition.shared,
      options,
      rules: this.settings.customRules(),
    });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (message: FromProcessor) => {
        if (message.kind === 'started') {
          if (message.ok) resolve();
          else reject(new Error(`the stream processor could not start: ${message.message}`));
        } else this.receive(message);
      });
      worker.on('error', (error) => {
        console.error(`[sightline] stream processor thread failed: ${error.message}`);
      });
      worker.once('exit', (code) => {
        this.exited = new Error(`the stream processor thread exited (code ${code})`);
        reject(this.exited);
        for (const pending of this.waiting.values()) pending.reject(this.exited);
        this.waiting.clear();
        if (!this.stopping) this.restartSoon(code);
      });
    });
  }

  /**
   * A thread that ended unasked (a crash, out of memory) is started again: it resumes from its
   * stored checkpoint and saved state (outputs it recomputes are not delivered twice), so the
   * log's consumers never stop for good.
   */
  private restartSoon(code: number): void {
    console.error(
      `[sightline] stream processor thread exited (code ${code}); restarting it in ${RESTART_DELAY_MS} ms`,
    );
    setTimeout(() => {
      if (this.stopping) return;
      this.start().catch((error: unknown) =>
        console.error(`[sightline] stream processor could not restart: ${(error as Error).message}`),
      );
    }, RESTART_DELAY_MS).unref();
  }

  /** Ends the thread as a crash would (tests of the restart). */
  async terminateThread(): Promise<void> {
    await this.worker?.terminate();
  }

  /** A project's rules changed (project-settings.ts): the thread applies them to the next events. */
  rulesChanged(projectId: string): void {
    const rules = this.settings.hasCustomRules(projectId) ? [...this.settings.rulesFor(projectId)] : null;
    this.post({ kind: 'rules', projectId, rules });
  }

  drain(): Promise<void> {
    return this.request('drain');
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (!this.worker || this.exited) return;
    await this.request('stop').catch(() => undefined);
    await this.worker.terminate();
  }

  private request(kind: 'drain' | 'stop'): Promise<void> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextRequest++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.post({ kind, id });
    });
  }

  private post(message: ToProcessor): void {
    if (!this.exited) this.worker?.postMessage(message);
  }

  private receive(message: Exclude<FromProcessor, { kind: 'started' }>): void {
    switch (message.kind) {
      case 'store':
        void this.store(message.id, message.op, message.args);
        return;
      case 'committed':
        for (const listener of this.listeners) listener(message.outputs);
        return;
      case 'done': {
        const pending = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (message.ok) pending?.resolve();
        else pending?.reject(new Error(message.message));
        return;
      }
    }
  }

  private async store(id: number, op: StoreOp, args: unknown[]): Promise<void> {
    try {
      const method = this.engine[op] as (...args: unknown[]) => Promise<unknown>;
      const value = await method.apply(this.engine, args);
      this.post({ kind: 'store-result', id, ok: true, value });
    } catch (error) {
      this.post({
        kind: 'store-result',
        id,
        ok: false,
        message: (error as Error).message,
        storeHealthy: this.engine.health().ok,
      });
    }
  }
}
