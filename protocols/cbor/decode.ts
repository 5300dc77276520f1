/**
 * A strict CBOR decoder for what a piwheels 0.18 peer sends, with cbor2's semantics (protocols/README.md §1.2).
 *
 * Hand-written, like the encoder, because cbor-x cannot be made to decode the way a Python peer does: it
 * honours its own record tags (0xdffe/0xdfff turn an array into an object whatever extensions are
 * registered), turns integer map keys into strings (so `{1: 2}` would pass a `{str: int}` schema), decodes
 * `60.0` and `60` to the same number, replaces invalid UTF-8 and rolls `2020-02-30` over to March.
 *
 * What comes out: integers as numbers (bigint beyond 2^53), every float as `Float64`, text, bytes as
 * Uint8Array, arrays, maps as plain objects when every key is a string (a `Map` otherwise), tag 0/1 as
 * `PreciseDate`, 2/3 as integers, 258 as `Set`, 2001 as `TimeDelta`, 2002 as `NO_DATA`; any other tag as an
 * `OpaqueTag` and simple values other than false/true/null as `CborSimpleValue`, which no schema accepts.
 */
import { clipQuoted } from '../clip.js';
import { CborSimpleValue, Float64, LargeInteger, NO_DATA, OpaqueTag, PreciseDate, TimeDelta } from './values.js';
import {
  TAG_BIGNUM_NEGATIVE,
  TAG_BIGNUM_POSITIVE,
  TAG_DATETIME_EPOCH,
  TAG_DATETIME_STRING,
  TAG_NO_DATA,
  TAG_SET,
  TAG_TIMEDELTA,
} from './tags.js';
import { CborDecodeError } from './errors.js';

/** Deeper than any piwheels message (BUILT is 5 levels) and far below the JS stack limit. */
const MAX_DEPTH = 64;
/** The longest bignum worked out as a number (2^512); longer ones stay bytes (LargeInteger). */
const MAX_BIGNUM_BYTES = 64;
const BREAK = Symbol('break');
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// cbor2's pattern: fraction digits beyond the sixth are ignored.
const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6})\d*)?(?:Z|([+-])(\d\d):(\d\d))$/;
// Python's datetime range, in milliseconds (microseconds since the epoch would pass 2^53 before year 2255).
const MAX_EPOCH_MS = 253402300800_000; // 10000-01-01T00:00:00Z, excluded
const MIN_EPOCH_MS = -62135596800_000; // 0001-01-01T00:00:00Z

/** What a decoded item is, for an error message: never its contents. */
function describeItem(item: unknown): string {
  if (item === null) return 'null';
  if (typeof item !== 'object') return typeof item;
  return Array.isArray(item) ? 'an array' : (Object.getPrototypeOf(item)?.constructor?.name ?? 'an object');
}

function fail(message: string): never {
  throw new CborDecodeError(message);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Tag 0, as Python builds a `datetime` from it: every field range-checked, offsets folded into UTC. */
function parseDatetime(text: unknown): PreciseDate {
  const m = typeof text === 'string' ? RFC3339.exec(text) : null;
  if (!m) fail(`invalid datetime string: ${typeof text === 'string' ? clipQuoted(text) : describeItem(text)}`);
  const year = +m[1]!, month = +m[2]!, day = +m[3]!, hour = +m[4]!, minute = +m[5]!, second = +m[6]!;
  const offsetHours = m[8] ? +m[9]! : 0;
  const offsetMins = m[8] ? +m[10]! : 0;
  const offsetMinutes = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  if (
    year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour > 23 || minute > 59 || second > 59 || offsetMins > 59 || Math.abs(offsetMinutes) >= 24 * 60
  ) {
    fail(`invalid datetime string: ${clipQuoted(text as string)}`);
  }
  // Date.UTC maps years 0-99 to 1900-1999: those take the long way.
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year < 100) {
    const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
    date.setUTCFullYear(year);
    ms = date.getTime();
  }
  const digits = m[7];
  const fraction = digits === undefined ? 0 : +digits * 10 ** (6 - digits.length);
  return inRange(ms - offsetMinutes * 60_000 + Math.floor(fraction / 1000), fraction % 1000, text);
}

/** Tag 1, as `datetime.fromtimestamp(value, timezone.utc)`. */
function parseEpoch(value: unknown): PreciseDate {
  const seconds = value instanceof Float64 ? value.value : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) fail('invalid epoch datetime');
  const whole = Math.floor(seconds);
  const fraction = Math.round((seconds - whole) * 1e6); // may round up to a whole second
  return inRange(whole * 1000 + Math.floor(fraction / 1000), fraction % 1000, seconds);
}

function inRange(ms: number, extraMicroseconds: number, source: unknown): PreciseDate {
  if (!(ms >= MIN_EPOCH_MS && ms < MAX_EPOCH_MS)) fail(`datetime out of range: ${typeof source === 'string' ? clipQuoted(source) : String(source)}`);
  return new PreciseDate(ms, extraMicroseconds);
}

function parseBignum(value: unknown, negative: boolean): number | bigint | LargeInteger {
  if (!(value instanceof Uint8Array)) fail('invalid bignum value');
  let start = 0;
  while (start < value.length && value[start] === 0) start++;
  if (value.length - start > MAX_BIGNUM_BYTES) return new LargeInteger(negative, value);
  // Parsed from hex in one step: shifting byte by byte would be quadratic.
  let n = start < value.length ? BigInt('0x' + Buffer.from(value.buffer, value.byteOffset + start, value.length - start).toString('hex')) : 0n;
  if (negative) n = -1n - n;
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function parseTimedelta(value: unknown): TimeDelta {
  if (!Array.isArray(value) || value.length !== 3 || !value.every((n) => Number.isSafeInteger(n))) {
    fail('invalid timedelta: expected [days, seconds, microseconds]');
  }
  try {
    return new TimeDelta(value[0], value[1], value[2]);
  } catch (err) {
    return fail((err as Error).message);
  }
}

class Reader {
  private pos = 0;
  private readonly buffer: Buffer;

  constructor(private readonly src: Uint8Array) {
    this.buffer = Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.byteLength);
  }

  get done(): boolean {
    return this.pos === this.src.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.src.length) fail('truncated CBOR data');
  }

  /** The argument of an initial byte (additional info 0-27), as a number when it fits 2^53. */
  private argument(info: number): number | bigint {
    if (info < 24) return info;
    switch (info) {
      case 24:
        this.need(1);
        return this.src[this.pos++]!;
      case 25:
        this.need(2);
        this.pos += 2;
        return this.buffer.readUInt16BE(this.pos - 2);
      case 26:
        this.need(4);
        this.pos += 4;
        return this.buffer.readUInt32BE(this.pos - 4);
      case 27: {
        this.need(8);
        this.pos += 8;
        // Two 32-bit halves: a BigInt only for what passes 2^53 (a slave's disk sizes need 64 bits).
        const high = this.buffer.readUInt32BE(this.pos - 8);
        const low = this.buffer.readUInt32BE(this.pos - 4);
        if (high < 0x200000) return high * 0x1_0000_0000 + low;
        return (BigInt(high) << 32n) | BigInt(low);
      }
      default:
        return fail(`reserved additional information ${info}`);
    }
  }

  /** A length, checked against what is left so a forged length cannot make us allocate. */
  private length(info: number, minItemSize: number): number {
    const n = this.argument(info);
    if (typeof n === 'bigint' || n * minItemSize > this.src.length - this.pos) fail('truncated CBOR data');
    return n;
  }

  private bytes(n: number): Uint8Array {
    this.need(n);
    this.pos += n;
    return this.src.subarray(this.pos - n, this.pos);
  }

  private text(n: number): string {
    this.need(n);
    const src = this.src;
    const start = this.pos;
    const end = start + n;
    // Most text on the wire is ASCII, which Buffer's latin1 slice builds faster than a fatal TextDecoder.
    for (let i = start; i < end; i++) if (src[i]! >= 0x80) return decodeUtf8(this.bytes(n));
    this.pos = end;
    return this.buffer.toString('latin1', start, end);
  }

  /** Indefinite-length byte or text string: definite chunks of the same major type up to a break. */
  private chunks(major: 2 | 3): Uint8Array[] {
    const parts: Uint8Array[] = [];
    for (;;) {
      this.need(1);
      const initial = this.src[this.pos++]!;
      if (initial === 0xff) return parts;
      if (initial >> 5 !== major || (initial & 31) === 31) fail('invalid chunk in indefinite-length string');
      parts.push(this.bytes(this.length(initial & 31, 1)));
    }
  }

  item(depth: number): unknown {
    const value = this.any(depth);
    if (value === BREAK) fail('unexpected break');
    return value;
  }

  private any(depth: number): unknown {
    if (depth > MAX_DEPTH) fail('CBOR nested too deeply');
    this.need(1);
    const initial = this.src[this.pos++]!;
    const major = initial >> 5;
    const info = initial & 31;
    switch (major) {
      case 0:
        return this.argument(info);
      case 1: {
        const n = this.argument(info);
        return typeof n === 'number' && n < Number.MAX_SAFE_INTEGER ? -1 - n : -1n - BigInt(n);
      }
      case 2:
        // Copied, so a decoded value never aliases the frame it came from.
        return new Uint8Array(info === 31 ? Buffer.concat(this.chunks(2)) : this.bytes(this.length(info, 1)));
      case 3:
        if (info === 31) return decodeUtf8(Buffer.concat(this.chunks(3)));
        return this.text(this.length(info, 1));
      case 4: {
        const items: unknown[] = [];
        if (info === 31) {
          for (let item = this.any(depth + 1); item !== BREAK; item = this.any(depth + 1)) items.push(item);
          return items;
        }
        const n = this.length(info, 1);
        for (let i = 0; i < n; i++) items.push(this.item(depth + 1));
        return items;
      }
      case 5:
        return this.map(info, depth);
      case 6:
        return this.tagged(this.argument(info), depth);
      default:
        return this.simple(info);
    }
  }

  /** A map: a plain object while every key is a string (duplicates: the last wins, as in a Python dict). */
  private map(info: number, depth: number): Record<string, unknown> | Map<unknown, unknown> {
    const indefinite = info === 31;
    const n = indefinite ? Infinity : this.length(info, 2);
    let object: Record<string, unknown> | undefined = {};
    let map: Map<unknown, unknown> | undefined;
    for (let i = 0; i < n; i++) {
      const key = this.any(depth + 1);
      if (key === BREAK) {
        if (indefinite) break;
        fail('unexpected break');
      }
      const value = this.item(depth + 1);
      if (object && typeof key === 'string') {
        if (key !== '__proto__') object[key] = value;
        // defineProperty: a "__proto__" key is data, never the object's prototype.
        else Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        map ??= new Map(Object.entries(object!));
        object = undefined;
        map.set(key, value);
      }
    }
    return map ?? object!;
  }

  private tagged(tag: number | bigint, depth: number): unknown {
    const value = this.item(depth + 1);
    switch (tag) {
      case TAG_DATETIME_STRING:
        return parseDatetime(value);
      case TAG_DATETIME_EPOCH:
        return parseEpoch(value);
      case TAG_BIGNUM_POSITIVE:
        return parseBignum(value, false);
      case TAG_BIGNUM_NEGATIVE:
        return parseBignum(value, true);
      case TAG_SET:
        if (!Array.isArray(value)) fail('invalid set: expected an array');
        return new Set(value);
      case TAG_TIMEDELTA:
        return parseTimedelta(value);
      case TAG_NO_DATA:
        return NO_DATA; // piwheels' default_decoder ignores the payload
      default:
        return new OpaqueTag(tag, value);
    }
  }

  private simple(info: number): unknown {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 24: {
        this.need(1);
        const value = this.src[this.pos++]!;
        if (value < 32) fail(`invalid simple value encoding ${value}`);
        return new CborSimpleValue(value);
      }
      case 25: {
        this.need(2);
        this.pos += 2;
        return new Float64(halfToNumber(this.buffer.readUInt16BE(this.pos - 2)));
      }
      case 26:
        this.need(4);
        this.pos += 4;
        return new Float64(this.buffer.readFloatBE(this.pos - 4));
      case 27:
        this.need(8);
        this.pos += 8;
        return new Float64(this.buffer.readDoubleBE(this.pos - 8));
      case 31:
        return BREAK;
      default:
        if (info < 24) return new CborSimpleValue(info);
        return fail(`reserved simple value ${info}`);
    }
  }
}

function decodeUtf8(raw: Uint8Array): string {
  try {
    return utf8.decode(raw);
  } catch {
    return fail('invalid UTF-8 in text string');
  }
}

function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Exactly one CBOR item; throws CborDecodeError on anything else (empty, truncated, trailing bytes, invalid). */
export function decodeCbor(frame: Uint8Array): unknown {
  if (frame.length === 0) fail('empty frame');
  const reader = new Reader(frame);
  const value = reader.item(0);
  if (!reader.done) fail('trailing bytes after the CBOR item');
  return value;
}
