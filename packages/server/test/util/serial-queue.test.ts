import { describe, expect, it } from 'vitest';
import { SerialQueue } from '../../src/util/serial-queue.js';

/** A promise the test settles by hand, to hold a piece of work open. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('SerialQueue', () => {
  it('starts each piece of work only after the previous one finished, in queue order', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const first = gate();
    const a = queue.run(async () => {
      log.push('a start');
      await first.opened;
      log.push('a end');
      return 'a';
    });
    const b = queue.run(() => {
      log.push('b');
      return 'b';
    });
    const c = queue.run(async () => {
      log.push('c');
      return 'c';
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual(['a start']);
    first.open();
    expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a start', 'a end', 'b', 'c']);
  });

  it('hands a failure to its caller and still runs what was queued after it', async () => {
    const queue = new SerialQueue();
    const failing = queue.run(async () => {
      throw new Error('boom');
    });
    const throwingSync = queue.run(() => {
      throw new Error('sync boom');
    });
    const next = queue.run(async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(throwingSync).rejects.toThrow('sync boom');
    await expect(next).resolves.toBe('next');
  });

  it('idle() waits for everything queued so far and does not reject after a failure', async () => {
    const queue = new SerialQueue();
    const held = gate();
    let finished = false;
    void queue
      .run(async () => {
        await held.opened;
        finished = true;
        throw new Error('late failure');
      })
      .catch(() => undefined);
    let idle = false;
    const waiting = queue.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(idle).toBe(false);
    held.open();
    await waiting;
    expect(finished).toBe(true);
    expect(idle).toBe(true);
  });
});
