/**
 * The importers' transfer slot. Every piw-import says HELLO to the File Juggler as slave 0 (0.18's importer
 * does), so the juggler can hold one import transfer at a time, and `VERIFY [0, package]` commits whatever
 * slave 0 sent into that package's directory. Two imports overlapping would drop each other's transfer,
 * or worse, file one import's wheel under the other's package. So an import session holds this slot from
 * its EXPECT to the VERIFY that settles that file, and other sessions wait their turn, first come first
 * served.
 */
import { mrChaseErrors } from './errors.js';

interface Waiter {
  owner: string;
  resolve: () => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export class TransferSlot {
  #holder: string | undefined;
  readonly #waiting: Waiter[] = [];

  /** Who holds the slot, if anyone. */
  get holder(): string | undefined {
    return this.#holder;
  }

  /** How many sessions wait for it. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves once `owner` holds the slot (at once if it already does); rejects if `signal` aborts first. */
  acquire(owner: string, signal?: AbortSignal): Promise<void> {
    if (this.#holder === undefined || this.#holder === owner) {
      this.#holder = owner;
      return Promise.resolve();
    }
    if (signal?.aborted) return Promise.reject(mrChaseErrors.slotAborted(owner));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const at = this.#waiting.indexOf(waiter);
          if (at >= 0) this.#waiting.splice(at, 1);
          reject(mrChaseErrors.slotAborted(owner));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Gives the slot up if `owner` holds it (the next waiter gets it); forgets `owner` if it was waiting. */
  release(owner: string): void {
    const at = this.#waiting.findIndex((w) => w.owner === owner);
    if (at >= 0) {
      const [waiter] = this.#waiting.splice(at, 1);
      waiter!.signal?.removeEventListener('abort', waiter!.onAbort);
      waiter!.reject(mrChaseErrors.slotAborted(owner));
    }
    if (this.#holder !== owner) return;
    this.#holder = undefined;
    const next = this.#waiting.shift();
    if (next === undefined) return;
    next.signal?.removeEventListener('abort', next.onAbort);
    this.#holder = next.owner;
    next.resolve();
  }
}
