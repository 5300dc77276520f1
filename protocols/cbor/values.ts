/**
 * JS stand-ins for the Python values piwheels 0.18 puts on the wire that JS has no exact type for
 * (protocols.md §1.2): `timedelta` (tag 2001), a float that must stay a float when whole, and the
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

/** A number that must be written as an 8-byte CBOR float even when whole (Python `float`). */
export class Float64 {
  constructor(readonly value: number) {}
}

/** The `NoData` marker of a no-data reply forwarded as data, e.g. `["SLAVE", [1, ts, "DONE", NoData]]`. */
export class NoDataMarker {
  static readonly instance = new NoDataMarker();
}

export const NO_DATA = NoDataMarker.instance;
