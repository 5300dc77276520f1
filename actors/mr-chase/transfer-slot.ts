/**
 * The importers' transfer slot. Every piw-import says HELLO to the File Juggler as slave 0 (0.18's importer
 * does), so the juggler can hold one import transfer at a time, and `VERIFY [0, package]` commits whatever
 * slave 0 sent into that package's directory. Two imports overlapping would drop each other's transfer,
 * or worse, file one import's wheel under the other's package. So an import session holds this slot from
 * its EXPECT to the VERIFY that settles that file, and other sessions wait their turn, first come first
 * served.
 *
 * A turn is waited for only so long (`maxWaitMs`): the tool behind a waiting session is itself waiting for
 * the reply to its request, and gives up after its own timeout. A session whose tool has gone would still
 * take the slot when its turn came, SEND to nobody, and hold the slot until it was abandoned; so a waiter
 * gives up first, while its tool can still be told why.
 */
import { mrChaseErrors } from './errors.js';

interface Waiter {
  owner: string;
  resolve: () => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
  timer: NodeJS.Timeout | undefined;
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

  /**
   * Resolves once `owner` holds the slot (at once if it already does). Rejects if `signal` aborts first
   * (`PIW_ERR_MR_CHASE_SLOT_ABORTED`), or once `maxWaitMs` have passed without its turn coming
   * (`PIW_ERR_MR_CHASE_SLOT_BUSY`); either way it no longer waits.
   */
  acquire(owner: string, signal?: AbortSignal, maxWaitMs?: number): Promise<void> {
    if (this.#holder === undefined || this.#holder === owner) {
      this.#holder = owner;
      return Promise.resolve();
    }
    if (signal?.aborted) return Promise.reject(mrChaseErrors.slotAborted(owner));
    return new Promise<void>((resolve, reject) => {
      const giveUp = (err: unknown) => {
        this.#forget(waiter);
        reject(err);
      };
      const waiter: Waiter = {
        owner,
        resolve,
        reject,
        signal,
        onAbort: () => giveUp(mrChaseErrors.slotAborted(owner)),
        timer: maxWaitMs === undefined ? undefined : setTimeout(() => giveUp(mrChaseErrors.slotBusy(maxWaitMs)), maxWaitMs),
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** Gives the slot up if `owner` holds it (the next waiter gets it); forgets `owner` if it was waiting. */
  release(owner: string): void {
    const waiter = this.#waiting.find((w) => w.owner === owner);
    if (waiter !== undefined) {
      this.#forget(waiter);
      waiter.reject(mrChaseErrors.slotAborted(owner));
    }
    if (this.#holder !== owner) return;
    this.#holder = undefined;
    const next = this.#waiting[0];
    if (next === undefined) return;
    this.#forget(next);
    this.#holder = next.owner;
    next.resolve();
  }

  /** Takes `waiter` out of the queue, with its abort listener and timer. */
  #forget(waiter: Waiter): void {
    const at = this.#waiting.indexOf(waiter);
    if (at >= 0) this.#waiting.splice(at, 1);
    waiter.signal?.removeEventListener('abort', waiter.onAbort);
    clearTimeout(waiter.timer);
  }
}
