/**
 * Typed trees: the JSON form of values that names each one's exact Python type (see pywire.py `to_typed`).
 * `toTyped` says how a JS value must look to a Python peer once our encoder has put it on the wire:
 * a `Float64` or a non-whole number is a `float`, a whole number an `int`, a Date an aware UTC datetime.
 * It is written from the rules of protocols/README.md §1.2, not from the encoder, so the two can disagree.
 */
import { CborSimpleValue, Float64, NoDataMarker, OpaqueTag, PreciseDate, TimeDelta } from '../../../protocols/index.js';

export type Typed =
  | { int: string }
  | { float: number | string }
  | { str: string }
  | { bool: boolean }
  | { none: null }
  | { nodata: null }
  | { bytes: string }
  | { datetime: string }
  | { naive_datetime: string }
  | { timedelta: [number, number, number] }
  | { list: Typed[] }
  | { dict: [Typed, Typed][] }
  | { set: Typed[] }
  | { tag: number; value: Typed }
  | { other: string };

function pyFloat(x: number): Typed {
  return { float: Number.isFinite(x) ? x : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf' };
}

/** Python's `datetime.isoformat()` of an aware UTC datetime, computed field by field. */
function isoformat(d: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const us = d.getUTCMilliseconds() * 1000 + (d instanceof PreciseDate ? d.extraMicroseconds : 0);
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date}T${time}${us ? '.' + pad(us, 6) : ''}+00:00`;
}

export function toTyped(value: unknown): Typed {
  if (value === null) return { none: null };
  switch (typeof value) {
    case 'string':
      return { str: value };
    case 'boolean':
      return { bool: value };
    case 'bigint':
      return { int: value.toString() };
    case 'number':
      return Number.isSafeInteger(value) ? { int: String(value === 0 ? 0 : value) } : pyFloat(value);
    default:
      break;
  }
  if (value instanceof Float64) return pyFloat(value.value);
  if (value instanceof NoDataMarker) return { nodata: null };
  if (value instanceof Date) return { datetime: isoformat(value) };
  if (value instanceof TimeDelta) return { timedelta: [value.days, value.seconds, value.microseconds] };
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (value instanceof OpaqueTag) return { tag: Number(value.tag), value: toTyped(value.value) };
  if (value instanceof CborSimpleValue) return { other: `CBORSimpleValue(${value.value})` };
  if (Array.isArray(value)) return { list: value.map(toTyped) };
  if (value instanceof Set) return { set: [...value].map(toTyped) };
  if (value instanceof Map) return { dict: [...value].map(([k, v]) => [toTyped(k), toTyped(v)]) };
  if (typeof value === 'object') return { dict: Object.entries(value).map(([k, v]) => [{ str: k }, toTyped(v)]) };
  return { other: String(value) };
}

/**
 * The JS value a typed tree names. `floats: 'plain'` gives plain numbers, as our own code passes them
 * (the schema must then mark them); `'marked'` keeps them `Float64`, for schema-free encoding.
 */
export function fromTyped(tree: Typed, floats: 'plain' | 'marked'): unknown {
  const back = (t: Typed) => fromTyped(t, floats);
  if ('tag' in tree) return new OpaqueTag(tree.tag, back(tree.value));
  if ('int' in tree) {
    const n = BigInt(tree.int);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  }
  if ('float' in tree) {
    const x = typeof tree.float === 'number' ? tree.float : Number(tree.float.replace('inf', 'Infinity'));
    return floats === 'marked' ? new Float64(x) : x;
  }
  if ('str' in tree) return tree.str;
  if ('bool' in tree) return tree.bool;
  if ('none' in tree) return null;
  if ('nodata' in tree) return NoDataMarker.instance;
  if ('bytes' in tree) return new Uint8Array(Buffer.from(tree.bytes, 'hex'));
  if ('datetime' in tree) {
    const m = /^(.*?)(?:\.(\d{6}))?\+00:00$/.exec(tree.datetime);
    if (!m) throw new Error(`not a UTC isoformat: ${tree.datetime}`);
    const us = Number(m[2] ?? 0);
    const date = new Date(`${m[1]}Z`);
    return new PreciseDate(date.getTime() + Math.floor(us / 1000), us % 1000);
  }
  if ('timedelta' in tree) return new TimeDelta(...tree.timedelta);
  if ('list' in tree) return tree.list.map(back);
  if ('set' in tree) return new Set(tree.set.map(back));
  if ('dict' in tree) {
    const entries = tree.dict.map(([k, v]) => [back(k), back(v)] as const);
    if (!entries.every(([k]) => typeof k === 'string')) return new Map(entries);
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(out, k as string, { value: v, enumerable: true, writable: true, configurable: true });
    return out;
  }
  throw new Error(`no JS value for ${JSON.stringify(tree)}`);
}

/** A canonical form for comparing trees: set items and dict entries sorted (their order carries no meaning). */
export function canon(tree: Typed): Typed {
  const key = (t: unknown) => JSON.stringify(t);
  if ('list' in tree) return { list: tree.list.map(canon) };
  if ('set' in tree) return { set: tree.set.map(canon).sort((a, b) => key(a).localeCompare(key(b))) };
  if ('dict' in tree) {
    const entries = tree.dict.map(([k, v]) => [canon(k), canon(v)] as [Typed, Typed]);
    return { dict: entries.sort((a, b) => key(a[0]).localeCompare(key(b[0]))) };
  }
  if ('tag' in tree) return { tag: tree.tag, value: canon(tree.value) };
  if ('float' in tree && typeof tree.float === 'number' && Object.is(tree.float, -0)) return { float: '-0.0' };
  return tree;
}
