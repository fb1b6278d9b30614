interface Pending<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit, whatever makes a group durable: an item submitted while no flush runs is flushed
 * at once; items submitted while one runs wait and go together in the next. So one sync (an
 * fdatasync, a round of JetStream acks) serves every item of a group, and under load a group grows
 * to whatever arrived during the previous one. Groups are flushed one after another, in order.
 */
export class GroupQueue<Item, Result> {
  private queue: Array<Pending<Item, Result>> = [];
  private running: Promise<void> | null = null;

  /** `flush` makes a group durable and gives each item's result, in order, or throws (every item fails). */
  constructor(private readonly flush: (items: Item[]) => Promise<Result[]>) {}

  submit(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.running ??= this.drain();
    });
  }

  /** Resolves once every item submitted so far is settled. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      try {
        const results = await this.flush(group.map((pending) => pending.item));
        group.forEach((pending, i) => {
          pending.resolve(results[i]!);
        });
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
    this.running = null;
  }
}
