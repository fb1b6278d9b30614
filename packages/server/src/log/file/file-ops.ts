import type { FileHandle } from 'node:fs/promises';

/**
 * The two disk operations an append depends on, injectable so tests can count syncs or make the
 * disk fail (ENOSPC, EIO) at a chosen moment without a real full disk.
 */
export interface FileOps {
  /** Writes buffers at `position`; may write fewer bytes than given (the caller writes the rest). */
  writev(handle: FileHandle, buffers: Buffer[], position: number): Promise<number>;
  /** fdatasync: the written bytes (and the size) are on the disk when it resolves. */
  datasync(handle: FileHandle): Promise<void>;
}

export const NODE_FILE_OPS: FileOps = {
  writev: async (handle, buffers, position) => (await handle.writev(buffers, position)).bytesWritten,
  datasync: (handle) => handle.datasync(),
};

/** Writes every byte of `buffers` at `position`, going on after short writes. */
export async function writeAll(
  ops: FileOps,
  handle: FileHandle,
  buffers: Buffer[],
  position: number,
): Promise<void> {
  let left = buffers.filter((b) => b.length > 0);
  let at = position;
  while (left.length > 0) {
    let written = await ops.writev(handle, left, at);
    at += written;
    const rest: Buffer[] = [];
    for (const buffer of left) {
      if (written >= buffer.length) written -= buffer.length;
      else {
        rest.push(written > 0 ? buffer.subarray(written) : buffer);
        written = 0;
      }
    }
    left = rest;
  }
}
