/**
 * CBOR decoding on cbor-x, limited to what a piwheels 0.18 peer sends: tags 0/1 (datetime), 258 (set),
 * 2001 (timedelta), 2002 (NoData) and 2/3 (big integers). Every other tag, including cbor-x's own
 * extensions, decodes to an opaque `Tag`, which no schema accepts (protocols.md §1.2).
 */
import { Decoder, Tag, addExtension } from 'cbor-x';
import { NO_DATA, TimeDelta } from './values.js';
import { TAG_DATETIME_EPOCH, TAG_DATETIME_STRING, TAG_NO_DATA, TAG_SET, TAG_TIMEDELTA } from './tags.js';

export { Tag as OpaqueTag };

export class CborDecodeError extends Error {}

// RFC 3339 as cbor2 accepts it: date, time, optional fraction, and Z or a numeric offset.
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

const opaque = (tag: number) => (value: unknown) => new Tag(value, tag);

function decodeDatetime(value: unknown): unknown {
  if (typeof value !== 'string' || !RFC3339.test(value)) return new Tag(value, TAG_DATETIME_STRING);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? new Tag(value, TAG_DATETIME_STRING) : d;
}

function decodeEpoch(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value)
    ? new Date(Math.round(value * 1000))
    : new Tag(value, TAG_DATETIME_EPOCH);
}

function decodeTimedelta(value: unknown): unknown {
  if (Array.isArray(value) && value.length === 3 && value.every((n) => Number.isSafeInteger(n))) {
    return new TimeDelta(value[0], value[1], value[2]);
  }
  return new Tag(value, TAG_TIMEDELTA);
}

function decodeSet(value: unknown): unknown {
  return Array.isArray(value) ? new Set(value) : new Tag(value, TAG_SET);
}

function decodeNoData(value: unknown): unknown {
  return value === null ? NO_DATA : new Tag(value, TAG_NO_DATA);
}

// cbor-x registers decoders for these tags out of the box; a 0.18 peer never sends them.
const CBOR_X_BUILTIN_TAGS = [4, 5, 6, 14, 15, 27, 28, 29, 51, 105, 259, ...Array.from({ length: 23 }, (_, i) => 64 + i)];

for (const tag of CBOR_X_BUILTIN_TAGS) addExtension({ tag, decode: opaque(tag) } as never);
addExtension({ tag: TAG_DATETIME_STRING, decode: decodeDatetime } as never);
addExtension({ tag: TAG_DATETIME_EPOCH, decode: decodeEpoch } as never);
addExtension({ tag: TAG_SET, decode: decodeSet } as never);
addExtension({ tag: TAG_TIMEDELTA, decode: decodeTimedelta } as never);
addExtension({ tag: TAG_NO_DATA, decode: decodeNoData } as never);

const decoder = new Decoder({ mapsAsObjects: true, useRecords: false, int64AsNumber: true } as never);

/** Exactly one CBOR item; throws CborDecodeError on anything else (truncated, trailing bytes, invalid). */
export function decodeCbor(frame: Uint8Array): unknown {
  if (frame.length === 0) throw new CborDecodeError('empty frame');
  try {
    return decoder.decode(frame);
  } catch (err) {
    throw new CborDecodeError((err as Error).message);
  }
}
