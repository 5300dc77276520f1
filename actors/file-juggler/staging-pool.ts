/**
 * The 1 MiB buffers in-order chunks are gathered into before they are written (incoming-file.ts), shared
 * by every transfer of a File Juggler and capped, so memory stays bounded however many slaves send at
 * once: when none is free a transfer simply writes its chunks as they come.
 */
export const STAGE_SIZE = 1 << 20;

export class StagingPool {
  readonly #free: Buffer[] = [];
  #made = 0;

  /** At most `max` buffers (default 64: 64 MiB) ever exist. */
  constructor(readonly max = 64) {}

  /** A free buffer, or undefined when all `max` are in use. */
  take(): Buffer | undefined {
    const free = this.#free.pop();
    if (free !== undefined) return free;
    if (this.#made === this.max) return undefined;
    this.#made++;
    return Buffer.allocUnsafeSlow(STAGE_SIZE);
  }

  /** Returns a buffer taken from this pool. */
  give(buffer: Buffer): void {
    this.#free.push(buffer);
  }

  /** Buffers not in use right now (for tests and status). */
  get available(): number {
    return this.#free.length + (this.max - this.#made);
  }
}
