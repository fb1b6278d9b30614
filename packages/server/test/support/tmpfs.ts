import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmdirSync, statSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small tmpfs for disk-full tests: a real ENOSPC from the kernel, filled in a fraction of a
 * second. Mounting needs root (or a container allowed to mount tmpfs); without it the test fails
 * with the reason, never skips, so a CI run cannot pass without having run it.
 */
export class Tmpfs {
  /** The mount point (an empty folder until `mount`). */
  readonly path: string;
  private mounted = false;

  constructor(
    prefix: string,
    /** As `mount -o size=` takes it: `2m`, `128m`. */
    readonly size: string,
  ) {
    this.path = mkdtempSync(join(tmpdir(), prefix));
  }

  /** `otherwise`: what covers the case where the tmpfs cannot be mounted, named in the failure. */
  mount(otherwise = ''): void {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${this.size}`, 'tmpfs', this.path], {
        stdio: 'pipe',
      });
      this.mounted = true;
    } catch (error) {
      const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
      throw new Error(
        `this test needs a small tmpfs and could not mount one at ${this.path} (run it as root, or in a ` +
          `container allowed to mount tmpfs${otherwise ? `; ${otherwise}` : ''}): ${detail}`,
      );
    }
  }

  /** Unmounts (if mounted: nothing may hold a file open there) and removes the mount point. */
  unmount(): void {
    if (this.mounted) execFileSync('umount', [this.path]);
    this.mounted = false;
    rmdirSync(this.path);
  }
}

/** Writes `path` until the disk is full (ENOSPC), then gives back `leaveBytes` of it. */
export function fillDisk(path: string, leaveBytes = 0): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  if (leaveBytes > 0) truncateSync(path, Math.max(0, statSync(path).size - leaveBytes));
}
