/**
 * Which bytes of a file have arrived, as an immutable value: the file-transfer machine keeps one in its
 * context and replaces it on every CHUNK, so any snapshot can be replayed or explored without aliasing.
 *
 * Shape: everything below `contiguous` has arrived; beyond it, `islands` (from index `head` on) are the
 * received stretches that arrived out of order, sorted, disjoint and never touching each other or
 * `contiguous`. The hot path (chunks arriving in order) only moves `contiguous` and allocates one small
 * object: no array is copied. An island is copied in only when a chunk arrives out of order, and each one
 * is absorbed once when `contiguous` reaches it, so marking is O(1) amortised for in-order traffic.
 */

/** A half-open byte range: `start` ≤ byte < `stop`. */
export interface ByteRange {
  readonly start: number;
  readonly stop: number;
}

const NO_ISLANDS: readonly ByteRange[] = [];

export class ReceivedRanges {
  private constructor(
    /** The file's size in bytes. */
    readonly size: number,
    /** Every byte below this offset has arrived. */
    private readonly contiguous: number,
    private readonly islands: readonly ByteRange[],
    private readonly head: number,
  ) {}

  /** Nothing received yet of a `size`-byte file. */
  static empty(size: number): ReceivedRanges {
    if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid file size: ${size}`);
    return new ReceivedRanges(size, 0, NO_ISLANDS, 0);
  }

  /** True once every byte has arrived. */
  get complete(): boolean {
    return this.contiguous >= this.size;
  }

  /**
   * The value with `[offset, offset + length)` marked as received. Anything outside the file is ignored;
   * when nothing new arrives (a duplicate, or a chunk wholly outside the file) the same value is returned,
   * so `next === previous` tells a caller that the chunk brought nothing.
   */
  receive(offset: number, length: number): ReceivedRanges {
    const start = Math.max(0, offset);
    const stop = Math.min(this.size, offset + length);
    if (!(stop > start) || stop <= this.contiguous) return this;
    if (start <= this.contiguous) return this.extend(stop);
    return this.addIsland(start, stop);
  }

  /**
   * The next missing range of at most `maxLength` bytes at or after `from`; when nothing is missing from
   * there on, the first missing range of the file (the wrap-around that re-requests lost chunks).
   * `undefined` once the file is complete.
   */
  nextMissing(from: number, maxLength: number): ByteRange | undefined {
    if (this.complete) return undefined;
    const gap = this.gapAtOrAfter(from) ?? this.firstGap();
    const start = Math.max(gap.start, from < gap.stop ? from : gap.start);
    return { start, stop: Math.min(gap.stop, start + maxLength) };
  }

  /** Every missing range, in order (for logs and tests; allocates). */
  missing(): ByteRange[] {
    const gaps: ByteRange[] = [];
    let cursor = this.contiguous;
    for (let i = this.head; i < this.islands.length; i++) {
      const island = this.islands[i]!;
      gaps.push({ start: cursor, stop: island.start });
      cursor = island.stop;
    }
    if (cursor < this.size) gaps.push({ start: cursor, stop: this.size });
    return gaps;
  }

  /** How many bytes are still missing. */
  get missingBytes(): number {
    let received = this.contiguous;
    for (let i = this.head; i < this.islands.length; i++) received += this.islands[i]!.stop - this.islands[i]!.start;
    return this.size - received;
  }

  /** Moves `contiguous` to `stop`, swallowing every island it now reaches. */
  private extend(stop: number): ReceivedRanges {
    let contiguous = stop;
    let head = this.head;
    while (head < this.islands.length && this.islands[head]!.start <= contiguous) {
      contiguous = Math.max(contiguous, this.islands[head]!.stop);
      head++;
    }
    return head === this.islands.length
      ? new ReceivedRanges(this.size, contiguous, NO_ISLANDS, 0)
      : new ReceivedRanges(this.size, contiguous, this.islands, head);
  }

  /** Inserts `[start, stop)` (beyond `contiguous`) among the islands, merging what it touches. */
  private addIsland(start: number, stop: number): ReceivedRanges {
    const islands = this.islands;
    // first island that ends at or after `start` (it may touch or overlap the new one)
    let lo = this.lowerBound(start);
    if (lo < islands.length && islands[lo]!.start <= start && islands[lo]!.stop >= stop) return this;
    let hi = lo;
    let mergedStart = start;
    let mergedStop = stop;
    while (hi < islands.length && islands[hi]!.start <= stop) {
      mergedStart = Math.min(mergedStart, islands[hi]!.start);
      mergedStop = Math.max(mergedStop, islands[hi]!.stop);
      hi++;
    }
    const next: ByteRange[] = [];
    for (let i = this.head; i < lo; i++) next.push(islands[i]!);
    next.push({ start: mergedStart, stop: mergedStop });
    for (let i = hi; i < islands.length; i++) next.push(islands[i]!);
    return new ReceivedRanges(this.size, this.contiguous, next, 0);
  }

  /** Index (≥ head) of the first island whose `stop` ≥ `offset`; `islands.length` when none. */
  private lowerBound(offset: number): number {
    let lo = this.head;
    let hi = this.islands.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.islands[mid]!.stop < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The missing gap that contains `from` or comes after it, if any. */
  private gapAtOrAfter(from: number): ByteRange | undefined {
    if (from < this.contiguous) return this.firstGap();
    // first island ending after `from`: the gap before it, or (when `from` is inside it) the gap after it
    const i = this.lowerBound(from + 1);
    if (i === this.islands.length) {
      const start = i > this.head ? this.islands[i - 1]!.stop : this.contiguous;
      return from < this.size ? { start, stop: this.size } : undefined;
    }
    const island = this.islands[i]!;
    if (island.start > from) {
      return { start: i > this.head ? this.islands[i - 1]!.stop : this.contiguous, stop: island.start };
    }
    if (island.stop >= this.size) return undefined;
    return { start: island.stop, stop: i + 1 < this.islands.length ? this.islands[i + 1]!.start : this.size };
  }

  private firstGap(): ByteRange {
    return {
      start: this.contiguous,
      stop: this.head < this.islands.length ? this.islands[this.head]!.start : this.size,
    };
  }
}
