import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/errors.js';
import { QueryScheduler, type Release } from '../../src/query/query-scheduler.js';

const limits = { maxRunning: 4, maxRunningPerProject: 2, maxQueuedPerProject: 50 };

/** Acquires for `projectId`, recording the order of grants. */
function acquireAll(scheduler: QueryScheduler, order: string[], projectId: string, n: number) {
  return Array.from({ length: n }, (_, i) =>
    scheduler.acquire(projectId).then((release) => {
      order.push(`${projectId}${i}`);
      return release;
    }),
  );
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('QueryScheduler', () => {
  it("a project's flood queues behind itself: others run beside it and take turns with it", async () => {
    const scheduler = new QueryScheduler(limits);
    const order: string[] = [];
    const a = acquireAll(scheduler, order, 'A', 20);
    const b = acquireAll(scheduler, order, 'B', 3);
    const c = acquireAll(scheduler, order, 'C', 1);
    await settle();
    // A holds only its 2 slots although it asked for 20: B gets the other 2 at once.
    expect(order).toEqual(['A0', 'A1', 'B0', 'B1']);
    expect(scheduler.runningCount('A')).toBe(2);
    expect(scheduler.waitingCount('A')).toBe(18);
    expect(scheduler.waitingCount()).toBe(20);

    const release = async (p: Promise<Release> | undefined) => {
      (await p)?.();
      await settle();
      return order.at(-1);
    };
    // Freed slots go round the waiting projects (A, B, C, then A again), not to A's 18 first.
    expect(await release(a[0])).toBe('A2');
    expect(await release(b[0])).toBe('B2');
    expect(await release(a[1])).toBe('C0');
    expect(await release(a[2])).toBe('A3');
    // B is at its own limit (B1, B2 running) and C is done: A gets the free slots.
    expect(await release(c[0])).toBe('A4');
    expect(scheduler.runningCount()).toBe(4);
    for (const p of [...b.slice(1), ...a.slice(3)]) await release(p);
    expect(order).toHaveLength(24);
    expect(scheduler.runningCount()).toBe(0);
    expect(scheduler.waitingCount()).toBe(0);
  });

  it('releasing twice frees one slot', async () => {
    const scheduler = new QueryScheduler({ ...limits, maxRunning: 1 });
    const first = await scheduler.acquire('A');
    const second = scheduler.acquire('A');
    const third = scheduler.acquire('B');
    first();
    first();
    await settle();
    expect(scheduler.runningCount()).toBe(1);
    (await second)();
    (await third)();
  });

  it('refuses past the per-project queue with rate_limited, other projects unaffected', async () => {
    const scheduler = new QueryScheduler({ maxRunning: 1, maxRunningPerProject: 1, maxQueuedPerProject: 2 });
    const running = await scheduler.acquire('A');
    const first = scheduler.acquire('A');
    const second = scheduler.acquire('A');
    const refused = await scheduler.acquire('A').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).code).toBe('rate_limited');
    expect((refused as ApiError).status).toBe(429);
    const other = scheduler.acquire('B');
    running();
    (await first)();
    (await other)();
    (await second)();
    expect(scheduler.runningCount()).toBe(0);
  });

  it('an aborted wait leaves the queue with the abort reason', async () => {
    const scheduler = new QueryScheduler({ ...limits, maxRunning: 1 });
    const running = await scheduler.acquire('A');
    const controller = new AbortController();
    const waiting = scheduler.acquire('B', controller.signal);
    const next = scheduler.acquire('C');
    expect(scheduler.waitingCount()).toBe(2);
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(scheduler.waitingCount()).toBe(1);
    running();
    (await next)();
    await expect(scheduler.acquire('D', controller.signal)).rejects.toBe(reason);
    expect(scheduler.runningCount()).toBe(0);
  });
});
