/**
 * PyPIBuffer (behaviours 124–126): turns PyPI's changelog, whose timestamps run backwards now and then,
 * into a stream ordered by (timestamp, serial) that starts at a requested serial.
 *
 * Early events (before serial 628,000, the "epoch") jump back in time by days or years; after it they go
 * backwards by at most a few minutes. So the buffer
 *  - starts reading `margin` serials before the requested one (from 0 when that is before the epoch),
 *  - yields nothing until it has read past the epoch,
 *  - holds every event until it is `holdSeconds` older than the newest event buffered, then yields them
 *    sorted by (timestamp, serial), starting at the first event whose serial is ≥ the requested one.
 *    `holdSeconds: 0` holds nothing: every event read from the requested serial on is yielded at once
 *    (a development master's stand-in PyPI goes quiet, and the newest events would otherwise wait for ever).
 *
 * Pure: the caller reads `changelog_since_serial(nextSerial)` and pushes what it got; `push` returns what
 * may now be acted on, and `serial` is then the next serial still to be yielded (what Cloud Gazer stores).
 */
import type { ChangelogEntry } from './changelog.js';

export const PYPI_EPOCH = 628_000;
export const PYPI_MARGIN = 2_000;
export const PYPI_HOLD_SECONDS = 5 * 60;

export interface PyPIBufferOptions {
  readonly epoch?: number;
  readonly margin?: number;
  readonly holdSeconds?: number;
}

/** Index of the first item for which `key(item) >= target` in an array sorted by `key`. */
function lowerBound<T>(items: readonly T[], target: number, key: (item: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(items[mid]!) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const byTimeThenSerial = (a: ChangelogEntry, b: ChangelogEntry) => a.timestamp - b.timestamp || a.serial - b.serial;

export class PyPIBuffer {
  readonly epoch: number;
  readonly margin: number;
  readonly holdSeconds: number;
  #serial = 0;
  #nextSerial = 0;
  #serialTimestamp: number | null = null;
  #buffer: ChangelogEntry[] = [];

  constructor(serial = 0, options: PyPIBufferOptions = {}) {
    this.epoch = options.epoch ?? PYPI_EPOCH;
    this.margin = options.margin ?? PYPI_MARGIN;
    this.holdSeconds = options.holdSeconds ?? PYPI_HOLD_SECONDS;
    this.serial = serial;
  }

  /** The smallest serial still to be yielded. PyPI skips serials, so it need not exist. */
  get serial(): number {
    return this.#serial;
  }

  /** Restarts the stream at `value`: the buffer is emptied and reading restarts `margin` serials earlier. */
  set serial(value: number) {
    this.#serial = value;
    this.#buffer = [];
    this.#serialTimestamp = null;
    this.#nextSerial = Math.max(0, (value < this.epoch ? 0 : value) - this.margin);
  }

  /** The argument for the next `changelog_since_serial` call. */
  get nextSerial(): number {
    return this.#nextSerial;
  }

  /** How many events are held back. */
  get size(): number {
    return this.#buffer.length;
  }

  /** Takes one answer of `changelog_since_serial(nextSerial)`; returns the events now ready, in order. */
  push(answer: readonly ChangelogEntry[]): ChangelogEntry[] {
    // PyPI answers in serial order with serials above the one asked for; a server that does not is not
    // allowed to replay events we already hold.
    const events = answer.filter((e) => e.serial > this.#nextSerial).sort((a, b) => a.serial - b.serial);
    if (events.length === 0) return [];
    this.#nextSerial = events[events.length - 1]!.serial;
    if (this.#serialTimestamp === null && this.#serial <= this.#nextSerial) {
      // The wanted serial's timestamp locates it later in the timestamp-sorted buffer.
      this.#serialTimestamp = events[lowerBound(events, this.#serial, (e) => e.serial)]!.timestamp;
    }
    for (const event of events) this.#buffer.push(event); // a spread would overflow the stack on huge answers
    if (this.#nextSerial <= this.epoch) return [];
    if (this.holdSeconds === 0) return this.#releaseAll();
    if (this.#serialTimestamp === null) return [];
    this.#buffer.sort(byTimeThenSerial);
    const finishTimestamp = this.#buffer[this.#buffer.length - 1]!.timestamp - this.holdSeconds;
    if (this.#serialTimestamp >= finishTimestamp) return [];
    let start = lowerBound(this.#buffer, this.#serialTimestamp, (e) => e.timestamp);
    const finish = lowerBound(this.#buffer, finishTimestamp, (e) => e.timestamp);
    // Timestamps have one-second resolution: skip the events of that second that precede the wanted serial.
    while (
      start < finish &&
      this.#buffer[start]!.timestamp === this.#serialTimestamp &&
      this.#buffer[start]!.serial < this.#serial
    ) {
      start += 1;
    }
    const ready = this.#buffer.slice(start, finish);
    const next = this.#buffer[finish]!;
    this.#serialTimestamp = next.timestamp;
    this.#serial = next.serial;
    this.#buffer.splice(0, finish);
    return ready;
  }

  /** No hold: everything buffered from the wanted serial on; the stream goes on after the last serial read. */
  #releaseAll(): ChangelogEntry[] {
    const ready = this.#buffer.filter((e) => e.serial >= this.#serial).sort(byTimeThenSerial);
    this.#buffer = [];
    this.#serial = this.#nextSerial + 1;
    this.#serialTimestamp = null;
    return ready;
  }
}
