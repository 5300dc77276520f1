/**
 * CBOR encoder for the values piwheels messages carry.
 *
 * Hand-written rather than cbor-x's encoder because a 0.18 peer checks Python types with isinstance, and
 * cbor-x writes whole numbers above 2^32 as floats (an `int` disk size would then fail validation) and has
 * no way to write a whole `float` such as a load average of 1 as an 8-byte float. The decoder is ours too
 * (decode.ts says why).
 */
import { CborSimpleValue, Float64, LargeInteger, NoDataMarker, OpaqueTag, TimeDelta, microsecondOf } from './values.js';
import { TAG_BIGNUM_NEGATIVE, TAG_BIGNUM_POSITIVE, TAG_DATETIME_STRING, TAG_NO_DATA, TAG_SET, TAG_TIMEDELTA } from './tags.js';
import { CborEncodeError } from './errors.js';

const MAX_DEPTH = 64;

class Writer {
  buf = Buffer.allocUnsafe(4096);
  pos = 0;

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** A major type with its argument, in the shortest form (as cbor2 writes it). */
  head(major: number, n: number | bigint): void {
    const m = major << 5;
    this.room(9);
    if (typeof n === 'bigint' && n <= 0xffffffffn) n = Number(n);
    if (typeof n === 'bigint' || n > 0xffffffff) {
      this.buf[this.pos++] = m | 27;
      this.buf.writeBigUInt64BE(BigInt(n), this.pos);
      this.pos += 8;
    } else if (n < 24) {
      this.buf[this.pos++] = m | n;
    } else if (n < 0x100) {
      this.buf[this.pos++] = m | 24;
      this.buf[this.pos++] = n;
    } else if (n < 0x10000) {
      this.buf[this.pos++] = m | 25;
      this.buf.writeUInt16BE(n, this.pos);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = m | 26;
      this.buf.writeUInt32BE(n, this.pos);
      this.pos += 4;
    }
  }

  /** A float as cbor2 writes one: 8 bytes, except NaN and the infinities, which take the 2-byte form. */
  float64(x: number): void {
    this.room(9);
    if (!Number.isFinite(x)) {
      this.buf[this.pos++] = 0xf9;
      this.buf.writeUInt16BE(Number.isNaN(x) ? 0x7e00 : x > 0 ? 0x7c00 : 0xfc00, this.pos);
      this.pos += 2;
      return;
    }
    this.buf[this.pos++] = 0xfb;
    this.buf.writeDoubleBE(x, this.pos);
    this.pos += 8;
  }

  text(s: string): void {
    // Most strings on the wire are short ASCII: copy them byte by byte, skipping Buffer's native call.
    if (s.length < 64) {
      let i = 0;
      while (i < s.length && s.charCodeAt(i) < 0x80) i++;
      if (i === s.length) {
        this.head(3, i);
        this.room(i);
        const buf = this.buf;
        const pos = this.pos;
        for (let j = 0; j < i; j++) buf[pos + j] = s.charCodeAt(j);
        this.pos = pos + i;
        return;
      }
    }
    // A lone surrogate has no UTF-8 form; Python refuses to encode one rather than substitute U+FFFD.
    if (LONE_SURROGATE.test(s)) throw new CborEncodeError('text with a lone surrogate cannot be encoded');
    const len = Buffer.byteLength(s, 'utf8');
    this.head(3, len);
    this.room(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.head(2, b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

const UINT64_LIMIT = 1n << 64n;
const LONE_SURROGATE = /\p{Surrogate}/u;

function writeInteger(w: Writer, n: number | bigint): void {
  if (typeof n === 'number') return n >= 0 ? w.head(0, n) : w.head(1, -1 - n); // a safe integer: no BigInt needed
  if (n >= 0n) {
    if (n < UINT64_LIMIT) w.head(0, n);
    else writeBignum(w, TAG_BIGNUM_POSITIVE, n);
  } else {
    const arg = -1n - n;
    if (arg < UINT64_LIMIT) w.head(1, arg);
    else writeBignum(w, TAG_BIGNUM_NEGATIVE, arg);
  }
}

function writeBignum(w: Writer, tag: typeof TAG_BIGNUM_POSITIVE | typeof TAG_BIGNUM_NEGATIVE, magnitude: bigint): void {
  let hex = magnitude.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  w.head(6, tag);
  w.bytes(Buffer.from(hex, 'hex'));
}

/**
 * RFC 3339 as Python's `isoformat()` renders a UTC datetime, with `+00:00` written as `Z` (cbor2): the
 * fraction only when there are microseconds, always six digits. A `PreciseDate` keeps all six.
 */
export function formatDatetime(d: Date): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new CborEncodeError('invalid datetime');
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) throw new CborEncodeError(`datetime out of range: year ${year}`);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ for years 0000..9999
  const us = microsecondOf(d);
  return iso.slice(0, 19) + (us ? `.${String(us).padStart(6, '0')}` : '') + 'Z';
}

function writeValue(w: Writer, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new CborEncodeError('value nested too deeply');
  switch (typeof value) {
    case 'string':
      return w.text(value);
    case 'number':
      if (Number.isSafeInteger(value)) return writeInteger(w, value);
      return w.float64(value);
    case 'bigint':
      return writeInteger(w, value);
    case 'boolean':
      return w.byte(value ? 0xf5 : 0xf4);
    case 'object':
      break;
    default:
      throw new CborEncodeError(`cannot encode a ${typeof value}`);
  }
  if (value === null) return w.byte(0xf6);
  if (Array.isArray(value)) {
    w.head(4, value.length);
    for (const item of value) writeValue(w, item, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(value);
    w.head(5, keys.length);
    for (const k of keys) {
      w.text(k);
      writeValue(w, (value as Record<string, unknown>)[k], depth + 1);
    }
    return;
  }
  if (value instanceof Float64) return w.float64(value.value);
  if (value instanceof Date) {
    w.head(6, TAG_DATETIME_STRING);
    return w.text(formatDatetime(value));
  }
  if (value instanceof TimeDelta) {
    w.head(6, TAG_TIMEDELTA);
    w.head(4, 3);
    writeInteger(w, value.days);
    writeInteger(w, value.seconds);
    return writeInteger(w, value.microseconds);
  }
  if (value instanceof Set) {
    w.head(6, TAG_SET);
    w.head(4, value.size);
    for (const item of value) writeValue(w, item, depth + 1);
    return;
  }
  if (value instanceof NoDataMarker) {
    w.head(6, TAG_NO_DATA);
    return w.byte(0xf6);
  }
  if (value instanceof Map) {
    w.head(5, value.size);
    for (const [k, v] of value) {
      writeValue(w, k, depth + 1);
      writeValue(w, v, depth + 1);
    }
    return;
  }
  if (value instanceof Uint8Array) return w.bytes(value);
  // What the decoder kept opaque goes back out as it came (a protocol that takes anything forwards it).
  if (value instanceof OpaqueTag) {
    w.head(6, value.tag);
    return writeValue(w, value.value, depth + 1);
  }
  if (value instanceof LargeInteger) {
    w.head(6, value.negative ? TAG_BIGNUM_NEGATIVE : TAG_BIGNUM_POSITIVE);
    return w.bytes(value.magnitude);
  }
  if (value instanceof CborSimpleValue) {
    if (value.value < 24) return w.byte(0xe0 | value.value);
    w.byte(0xf8);
    return w.byte(value.value);
  }
  throw new CborEncodeError(`cannot encode a ${proto?.constructor?.name ?? 'object'}`);
}

// One writer reused between calls (its buffer grows to the largest message, up to a limit), so a message
// costs one exact-size copy instead of a series of growing allocations.
const KEEP_WRITER_UP_TO = 1 << 20;
let spare: Writer | undefined = new Writer();

/** One CBOR item. Throws CborEncodeError for values with no piwheels wire form (undefined, functions…). */
export function encodeCbor(value: unknown): Buffer {
  const w = spare ?? new Writer(); // a getter that encodes while we encode gets a writer of its own
  spare = undefined;
  w.pos = 0;
  try {
    writeValue(w, value, 0);
    return Buffer.from(w.buf.subarray(0, w.pos));
  } finally {
    if (w.buf.length <= KEEP_WRITER_UP_TO) spare = w;
  }
}
