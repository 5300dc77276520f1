/**
 * JS stand-ins for the Python values piwheels 0.18 puts on the wire that JS has no exact type for
 * (protocols/README.md §1.2): `timedelta` (tag 2001), a float that must stay a float when whole, and the
 * `NoData` sentinel forwarded inside status messages (tag 2002).
 */

const US_PER_SECOND = 1_000_000;
const SECONDS_PER_DAY = 86_400;
const US_PER_DAY = SECONDS_PER_DAY * US_PER_SECOND;

/** Python's `timedelta`, normalised like Python: 0 ≤ seconds < 86400, 0 ≤ microseconds < 10⁶. */
export class TimeDelta {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(days = 0, seconds = 0, microseconds = 0) {
    const total = Math.round(days * US_PER_DAY + seconds * US_PER_SECOND + microseconds);
    if (!Number.isSafeInteger(total)) throw new RangeError(`timedelta out of range: ${days}d ${seconds}s ${microseconds}us`);
    this.days = Math.floor(total / US_PER_DAY);
    const rest = total - this.days * US_PER_DAY;
    this.seconds = Math.floor(rest / US_PER_SECOND);
    this.microseconds = rest - this.seconds * US_PER_SECOND;
  }

  static fromSeconds(seconds: number): TimeDelta {
    return new TimeDelta(0, 0, Math.round(seconds * US_PER_SECOND));
  }

  static fromMilliseconds(ms: number): TimeDelta {
    return new TimeDelta(0, 0, Math.round(ms * 1000));
  }

  get totalMicroseconds(): number {
    return this.days * US_PER_DAY + this.seconds * US_PER_SECOND + this.microseconds;
  }

  get totalSeconds(): number {
    return this.totalMicroseconds / US_PER_SECOND;
  }

  get totalMilliseconds(): number {
    return this.totalMicroseconds / 1000;
  }

  equals(other: TimeDelta): boolean {
    return this.totalMicroseconds === other.totalMicroseconds;
  }

  /** PostgreSQL interval literal, e.g. `3 days 00:00:01.5`. */
  toString(): string {
    const s = this.seconds;
    const hh = String(Math.floor(s / 3600)).padStart(2, '0');
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
    const ss = String(s % 60).padStart(2, '0');
    const frac = this.microseconds ? '.' + String(this.microseconds).padStart(6, '0') : '';
    return `${this.days} days ${hh}:${mm}:${ss}${frac}`;
  }
}

/**
 * A Python `float`: written as an 8-byte CBOR float even when whole, and what `decodeCbor` returns for every
 * CBOR float, so that `60.0` and `60` stay different things (a 0.18 peer's `int` field rejects the first).
 * `Protocol` turns them back into plain numbers once a message has been validated.
 */
export class Float64 {
  constructor(readonly value: number) {}
}

/** Replaces every `Float64` inside `value` by its number; containers are copied only where one was found. */
export function unwrapFloats(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = unwrapFloats(value[i]);
      if (item !== value[i]) (out ??= value.slice())[i] = item;
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = (value as Record<string, unknown>)[key];
      const plain = unwrapFloats(item);
      if (plain !== item) {
        out ??= { ...value };
        Object.defineProperty(out, key, { value: plain, enumerable: true, writable: true, configurable: true });
      }
    }
    return out ?? value;
  }
  if (value instanceof Float64) return value.value;
  if (value instanceof Set) {
    const before = [...value];
    const after = before.map(unwrapFloats);
    return after.some((item, i) => item !== before[i]) ? new Set(after) : value;
  }
  if (value instanceof Map) {
    const before = [...value];
    const after = before.map(([k, v]): [unknown, unknown] => [unwrapFloats(k), unwrapFloats(v)]);
    return after.some(([k, v], i) => k !== before[i]![0] || v !== before[i]![1]) ? new Map(after) : value;
  }
  return value;
}

/**
 * A UTC instant with Python's microsecond precision. A JS `Date` stops at milliseconds; a Python peer's
 * timestamps (slave stats, build times) carry microseconds, and the decoder keeps them here so that what we
 * forward or store is what the peer sent. Any `Date` may be encoded; a plain one has microseconds of
 * `milliseconds * 1000`. Treat instances as immutable: the extra microseconds do not follow `setTime()`.
 */
export class PreciseDate extends Date {
  /** Microseconds below the millisecond, 0–999. */
  readonly extraMicroseconds: number;

  constructor(epochMilliseconds: number, extraMicroseconds = 0) {
    super(epochMilliseconds);
    if (!Number.isInteger(extraMicroseconds) || extraMicroseconds < 0 || extraMicroseconds > 999) {
      throw new RangeError(`extra microseconds must be 0-999: ${extraMicroseconds}`);
    }
    this.extraMicroseconds = extraMicroseconds;
  }
}

/** Python's `datetime.microsecond` of any Date: 0–999999 within its second. */
export function microsecondOf(d: Date): number {
  return d.getUTCMilliseconds() * 1000 + (d instanceof PreciseDate ? d.extraMicroseconds : 0);
}

/**
 * A CBOR tag no piwheels 0.18 peer uses, kept as it arrived (cbor2's `CBORTag`). No schema accepts one, so
 * it fails validation (spec/behaviours.md 7) except where a protocol takes anything, which it then round-trips.
 */
export class OpaqueTag {
  constructor(
    readonly tag: number | bigint,
    readonly value: unknown,
  ) {}
}

/**
 * An integer of more than 64 bytes (beyond ±2^512), from bignum tag 2 or 3: no piwheels message carries one,
 * so it is kept as its bytes and never worked out. A hostile peer's bignum of megabytes would otherwise cost
 * a BigInt of megabytes, and its decimal text (in a validation error) seconds to minutes of the master's
 * one thread. No schema accepts it; where a protocol takes anything, it goes back out as it came.
 */
export class LargeInteger {
  constructor(
    readonly negative: boolean,
    /** The big-endian magnitude as on the wire (for a negative number, −1 − n as CBOR has it). */
    readonly magnitude: Uint8Array,
  ) {}

  /** How many bits the magnitude takes. */
  get bits(): number {
    const m = this.magnitude;
    let i = 0;
    while (i < m.length && m[i] === 0) i++;
    return i === m.length ? 0 : (m.length - i) * 8 - Math.clz32(m[i]!) + 24;
  }

  toString(): string {
    return `${this.negative ? '-' : ''}<integer of ${this.bits} bits>`;
  }
}

/** A CBOR simple value other than false/true/null, e.g. `undefined` (23): cbor2's `CBORSimpleValue`. */
export class CborSimpleValue {
  constructor(readonly value: number) {
    if (!Number.isInteger(value) || value < 0 || value > 255 || (value >= 20 && value <= 22) || (value >= 24 && value < 32)) {
      throw new RangeError(`not a CBOR simple value: ${value}`);
    }
  }
}

/** The `NoData` marker of a no-data reply forwarded as data, e.g. `["SLAVE", [1, ts, "DONE", NoData]]`. */
export class NoDataMarker {
  static readonly instance = new NoDataMarker();
}

export const NO_DATA = NoDataMarker.instance;
