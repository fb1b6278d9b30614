/** Work under way that a shutdown waits for (the committers' appends): `track` it, `drain` waits. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  /** Returns `work`, remembered until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves once everything tracked, including what was tracked meanwhile, has settled. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
