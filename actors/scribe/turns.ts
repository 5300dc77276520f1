/**
 * One piece of work per turn of the event loop. The Scribe has many packages in hand during a rebuild,
 * and their data tends to arrive together (one batch answers many): rendered one after another in one
 * turn, a few dozen pages would hold the loop for a hundred milliseconds while slaves wait for their
 * answers. `next()` resolves for one waiter per turn, each in a turn of its own after the loop has looked
 * at its sockets (a setImmediate queued by the previous one), oldest waiter first.
 */
export class Turns {
  readonly #waiting: (() => void)[] = [];
  #scheduled = false;

  /** Resolves in a turn of the event loop of its own. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#waiting.shift()!();
      // queued from within this turn's check phase: runs in the next turn, after I/O
      this.#schedule();
    });
  }
}
