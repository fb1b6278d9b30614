import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoFormat } from './formats.js';

export interface StoredUpload {
  id: string;
  path: string;
  name: string;
  size: number;
  sha256: string;
  format: VideoFormat;
  declaredType: string;
  storedAt: number;
}

/** An upload not analysed within this long is deleted. */
export const UPLOAD_TTL_MS = 15 * 60_000;
/** At most this many videos wait on disk; the oldest goes first. */
export const MAX_STORED_UPLOADS = 8;

/**
 * Uploaded demo videos, each a file in a private temp folder (mode 0700) until it is analysed
 * (then deleted) or its TTL passes. Kept out of the data directory on purpose: they are
 * throw-away bytes, not Sightline data, and the route context does not know the data dir.
 */
export class UploadStore {
  private readonly uploads = new Map<string, StoredUpload>();
  private dir: string | null = null;
  private sweeper: NodeJS.Timeout | null = null;

  /** Where a new upload's bytes go (the folder is made on first use). */
  pathFor(id: string): string {
    if (!this.dir) {
      const dir = mkdtempSync(join(tmpdir(), 'sightline-demo-uploads-'));
      this.dir = dir;
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      this.sweeper = setInterval(() => this.sweep(Date.now()), 60_000);
      this.sweeper.unref();
    }
    return join(this.dir, `${id}.video`);
  }

  /** The temp folder (null before the first upload). */
  get folder(): string | null {
    return this.dir;
  }

  /** Uploads waiting for their analysis. */
  get size(): number {
    return this.uploads.size;
  }

  add(upload: StoredUpload): void {
    this.uploads.set(upload.id, upload);
    while (this.uploads.size > MAX_STORED_UPLOADS) {
      const oldest = this.uploads.keys().next().value as string;
      void this.delete(oldest);
    }
  }

  get(id: string): StoredUpload | undefined {
    return this.uploads.get(id);
  }

  /** Takes an upload out of the store (analysis owns it from then on). */
  take(id: string): StoredUpload | undefined {
    const upload = this.uploads.get(id);
    this.uploads.delete(id);
    return upload;
  }

  async delete(id: string): Promise<void> {
    const upload = this.uploads.get(id);
    this.uploads.delete(id);
    if (upload) await rm(upload.path, { force: true });
  }

  sweep(now: number): void {
    for (const upload of [...this.uploads.values()])
      if (now - upload.storedAt > UPLOAD_TTL_MS) void this.delete(upload.id);
  }
}

export const uploadStore = new UploadStore();
