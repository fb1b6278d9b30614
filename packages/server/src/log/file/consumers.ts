import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LogConsumers, type LogOffset, releaseMoves } from '../event-log.js';
import { syncDirectory } from './segment-files.js';

const CONSUMERS_FILE = 'consumers.json';

/**
 * The registered consumers and their released positions, in `<log>/consumers.json`, replaced
 * atomically (written beside, synced, renamed, directory synced) so a crash leaves the old or the
 * new list, never a torn one. Writes run one at a time in call order. A release takes effect in
 * memory (and removes what it allows) even when storing it fails: the consumer's own store is
 * where its position must be durable; the file only lets a consumer without one resume.
 */
export class FileConsumers implements LogConsumers {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly released: Map<string, LogOffset>,
    private readonly bounds: () => { start: LogOffset; end: LogOffset },
    /** Called after a release was stored: segments may be removable now. */
    private readonly onRelease: () => Promise<void>,
  ) {}

  static async load(
    dir: string,
    bounds: () => { start: LogOffset; end: LogOffset },
    onRelease: () => Promise<void>,
  ): Promise<FileConsumers> {
    let stored: Record<string, LogOffset> = {};
    try {
      stored = JSON.parse(await readFile(join(dir, CONSUMERS_FILE), 'utf8')) as Record<string, LogOffset>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new FileConsumers(dir, new Map(Object.entries(stored)), bounds, onRelease);
  }

  async register(name: string): Promise<LogOffset> {
    const known = this.released.get(name);
    // A position older than the log's start was stored before a removal it allowed (removal runs
    // first, see release): the consumer had released at least up to the start.
    if (known !== undefined) return Math.max(known, this.bounds().start);
    const start = this.bounds().start;
    this.released.set(name, start);
    await this.persist();
    return start;
  }

  async unregister(name: string): Promise<void> {
    if (!this.released.delete(name)) return;
    await this.onRelease();
    await this.persist();
  }

  async release(name: string, next: LogOffset): Promise<void> {
    if (!releaseMoves(name, this.released.get(name), next, this.bounds().end)) return;
    this.released.set(name, next);
    // Removal first: on a full disk it is what frees the room the positions file needs.
    await this.onRelease();
    await this.persist();
  }

  positions(): ReadonlyMap<string, LogOffset> {
    const start = this.bounds().start;
    return new Map([...this.released].map(([name, next]) => [name, Math.max(next, start)]));
  }

  /** Resolves once the writes started so far are done. */
  async flushed(): Promise<void> {
    await this.writing.catch(() => undefined);
  }

  private persist(): Promise<void> {
    const write = async () => {
      const path = join(this.dir, CONSUMERS_FILE);
      const temporary = `${path}.tmp`;
      try {
        await writeFile(temporary, JSON.stringify(Object.fromEntries(this.released)), {
          flush: true,
          mode: 0o600,
        });
        await rename(temporary, path);
      } catch (error) {
        // A half-written file (a full disk) would hold on to space the log needs.
        await unlink(temporary).catch(() => undefined);
        throw error;
      }
      await syncDirectory(this.dir);
    };
    const done = this.writing.catch(() => undefined).then(write);
    this.writing = done;
    return done;
  }
}
