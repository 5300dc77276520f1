/**
 * Positional writes to one open file, in order, with no promise per write: one `pwrite` is in flight at a
 * time and what arrives meanwhile waits, the contiguous pieces going down together in one `pwritev` (on a
 * small machine a trip to the thread pool costs more than copying 64 KiB into the page cache). Pieces
 * land in the order they were pushed, so a later write over the same bytes wins.
 *
 * Every `syncEvery` bytes written, an `fdatasync` starts in the background, so the disk works while the
 * data is still arriving and the final fsync has little left to do; never per write.
 */
import { fdatasync, write, writev } from 'node:fs';

/** Most buffers one `pwritev` takes (Linux's IOV_MAX is 1024). */
const MAX_IOV = 256;

interface Piece {
  offset: number;
  data: Uint8Array;
  /** Called once the piece is on its way to disk (or the queue has failed): its buffer may be reused. */
  done: (() => void) | undefined;
}

/** What is left of a run of contiguous pieces after its first `written` bytes landed; the rest are done. */
function rest(run: Piece[], written: number): Piece[] {
  const left: Piece[] = [];
  let skip = written;
  for (const piece of run) {
    if (skip >= piece.data.length) {
      skip -= piece.data.length;
      piece.done?.();
    } else {
      left.push(skip === 0 ? piece : { offset: piece.offset + skip, data: piece.data.subarray(skip), done: piece.done });
      skip = 0;
    }
  }
  return left;
}

export class WriteQueue {
  readonly #queue: Piece[] = [];
  #writing = false;
  #syncing = false;
  /** Writes done elsewhere (`writeElsewhere`) not yet acknowledged. */
  #elsewhere = 0;
  #sinceSync = 0;
  #idle: (() => void)[] = [];
  #error: unknown = undefined;

  constructor(
    private readonly fd: number,
    /** Told the first failure (the queue drops everything after it). */
    private readonly onError: (err: unknown) => void,
    private readonly syncEvery = Infinity,
  ) {}

  /** The first failure, if any. */
  get error(): unknown {
    return this.#error;
  }

  push(offset: number, data: Uint8Array, done?: () => void): void {
    if (this.#error !== undefined) return done?.();
    this.#queue.push({ offset, data, done });
    if (!this.#writing) this.#next();
  }

  /**
   * A write of `length` bytes that another thread does (a chunk the file queue's thread holds and writes
   * itself): started at once rather than queued, counted until it is acknowledged, and its failure is the
   * queue's. `done` as for `push`.
   */
  writeElsewhere(length: number, write: (acknowledge: (err: Error | undefined) => void) => void, done?: () => void): void {
    if (this.#error !== undefined) return done?.();
    this.#elsewhere++;
    write((err) => {
      this.#elsewhere--;
      if (err !== undefined) this.#fail(err);
      else this.#wrote(length);
      done?.();
      this.#settled();
    });
  }

  /** Resolves once nothing is written, waiting or being synced. */
  whenIdle(): Promise<void> {
    return this.#busy() ? new Promise((resolve) => this.#idle.push(resolve)) : Promise.resolve();
  }

  #busy(): boolean {
    return this.#writing || this.#syncing || this.#elsewhere > 0;
  }

  #settled(): void {
    if (!this.#busy()) for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Counts bytes written, starting a background fdatasync every `syncEvery` of them. */
  #wrote(bytes: number): void {
    this.#sinceSync += bytes;
    if (this.#sinceSync >= this.syncEvery && !this.#syncing) this.#sync();
  }

  #fail(err: unknown): void {
    if (this.#error === undefined) {
      this.#error = err;
      this.onError(err);
    }
    for (const piece of this.#queue.splice(0)) piece.done?.();
  }

  #next(): void {
    const queue = this.#queue;
    if (queue.length === 0 || this.#error !== undefined) {
      this.#writing = false;
      return this.#settled();
    }
    this.#writing = true;
    const offset = queue[0]!.offset;
    let end = offset + queue[0]!.data.length;
    let n = 1;
    while (n < queue.length && n < MAX_IOV && queue[n]!.offset === end) end += queue[n++]!.data.length;
    const run = queue.splice(0, n);
    const done = (err: NodeJS.ErrnoException | null, written: number) => {
      // a short write to a regular file means the disk is (nearly) full: what is left goes to the front of
      // the queue, and writing it says so
      if (err === null && written === 0) err = Object.assign(new Error('no space left to write'), { code: 'ENOSPC' });
      if (err !== null) {
        for (const piece of run) piece.done?.();
        this.#fail(err);
      } else {
        queue.unshift(...rest(run, written));
        this.#wrote(written);
      }
      this.#next();
    };
    if (n === 1) write(this.fd, run[0]!.data, 0, run[0]!.data.length, offset, done);
    else writev(this.fd, run.map((piece) => piece.data), offset, done);
  }

  #sync(): void {
    this.#syncing = true;
    this.#sinceSync = 0;
    fdatasync(this.fd, (err) => {
      this.#syncing = false;
      if (err !== null) this.#fail(err);
      this.#settled();
    });
  }
}
