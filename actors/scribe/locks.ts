/** Ordering helpers for the Scribe's concurrent work. */

/** Runs tasks one at a time per key, in call order; tasks of different keys run concurrently. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    const chained = previous ? previous.then(() => tail) : tail;
    this.tails.set(key, chained);
    try {
      if (previous) await previous;
      return await task();
    } finally {
      release();
      if (this.tails.get(key) === chained) this.tails.delete(key);
    }
  }
}

/**
 * Runs `task` on request, never twice at once, and folds requests made while a run is waiting into that
 * run: a burst of N requests during one run costs two runs, not N. Every caller's promise settles after
 * a run that started after its request.
 */
export class Coalescing {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly task: () => Promise<void>) {}

  request(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.running ?? Promise.resolve();
    this.queued = previous.catch(() => undefined).then(() => this.begin());
    return this.queued;
  }

  /** Called when the queued run's turn comes: it becomes the running one and new requests queue anew. */
  private begin(): Promise<void> {
    const run = this.queued;
    this.queued = null;
    this.running = run;
    return this.task().finally(() => {
      if (this.running === run) this.running = null;
    });
  }
}
