/**
 * The decoder: cbor2's semantics for what a piwheels 0.18 peer sends (protocols/README.md §1.2), nothing more.
 * Malformed input is a CborDecodeError (spec/behaviours.md 5); unknown tags, and cbor-x's own extension tags,
 * come back opaque and fail validation (spec/behaviours.md 7).
 */
import {
  CborDecodeError,
  CborSimpleValue,
  decodeCbor,
  encodeCbor,
  Float64,
  LargeInteger,
  NO_DATA,
  OpaqueTag,
  PreciseDate,
  statsProtocol,
  TimeDelta,
  microsecondOf,
} from '../../../protocols/index.js';

const bytes = (s: string) => Buffer.from(s.replace(/\s/g, ''), 'hex');
const decode = (s: string) => decodeCbor(bytes(s));
const text = (s: string) => Buffer.from(s).toString('hex');
const tag0 = (s: string) => {
  const b = Buffer.from(s);
  return 'c0' + (b.length < 24 ? (0x60 + b.length).toString(16) : '78' + b.length.toString(16).padStart(2, '0')) + b.toString('hex');
};

describe('malformed input is a CborDecodeError', () => {
  test.each([
    ['empty', ''],
    ['truncated head', '19 01'],
    ['truncated text', '65 4944'],
    ['truncated array', '83 01 02'],
    ['truncated map', 'a1 6161'],
    ['truncated float', 'fb 4049'],
    ['trailing bytes', '01 02'],
    ['a break outside an indefinite item', 'ff'],
    ['a break as a map value', 'bf 6161 ff'],
    ['reserved additional information 28', '1c'],
    ['reserved additional information 30', '5e'],
    ['an indefinite integer', '1f'],
    ['an unterminated indefinite array', '9f 01 02'],
    ['an indefinite string with a chunk of another type', '7f 41 00 ff'],
    ['nested indefinite chunks', '5f 5f ff ff'],
    ['invalid UTF-8', '62 c328'],
    ['an overlong UTF-8 form', '62 c0af'],
    ['a UTF-8 surrogate', '63 eda080'],
    ['a simple value in two bytes below 32', 'f8 10'],
    ['a reserved simple value', 'fc'],
    ['an array length far beyond the frame', '9b 00000000ffffffff 01'],
    ['a string length beyond 2^53', '7b ffffffffffffffff'],
    ['a map length beyond the frame', 'ba 7fffffff'],
    ['non-CBOR text', text('hello')],
  ])('%s', (_what, hex) => {
    expect(() => decode(hex)).toThrow(CborDecodeError);
  });

  test('every truncation of a real message fails, none crashes', () => {
    const frame = encodeCbor(['IDLE', [new Date('2020-09-15T12:00:00Z'), 1, 2, new Float64(0.5), new TimeDelta(1, 2, 3), new Set(['x']), { a: [1] }]]);
    for (let n = 0; n < frame.length; n++) expect(() => decodeCbor(frame.subarray(0, n))).toThrow(CborDecodeError);
  });

  test('nesting deeper than 64 levels is refused, not a stack overflow', () => {
    expect(() => decode('81'.repeat(100_000) + '01')).toThrow(CborDecodeError);
    expect(() => decode('81'.repeat(60) + '01')).not.toThrow();
  });
});

describe('integers', () => {
  test('each width, as a number while it is exact', () => {
    expect(decode('17')).toBe(23);
    expect(decode('1818')).toBe(24);
    expect(decode('19ffff')).toBe(65535);
    expect(decode('1affffffff')).toBe(2 ** 32 - 1);
    expect(decode('1b0000000100000000')).toBe(2 ** 32);
    expect(decode('3b0000000100000000')).toBe(-(2 ** 32) - 1);
    expect(decode('1b001fffffffffffff')).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('past 2^53 as a bigint, never rounded', () => {
    expect(decode('1b0020000000000001')).toBe(2n ** 53n + 1n);
    expect(decode('1bffffffffffffffff')).toBe(2n ** 64n - 1n);
    expect(decode('3bffffffffffffffff')).toBe(-(2n ** 64n));
  });

  test('non-shortest heads are accepted, as cbor2 does', () => {
    expect(decode('1b0000000000000005')).toBe(5);
  });

  test('bignums (tags 2, 3)', () => {
    expect(decode('c24105')).toBe(5);
    expect(decode('c240')).toBe(0);
    expect(decode('c249010000000000000000')).toBe(2n ** 64n);
    expect(decode('c349010000000000000000')).toBe(-(2n ** 64n) - 1n);
    expect(() => decode('c205')).toThrow(CborDecodeError); // a bignum must be a byte string
  });

  test('a bignum of 64 bytes (512 bits) still decodes exactly', () => {
    const frame = Buffer.concat([bytes('c3 5840'), Buffer.alloc(64, 0xff)]);
    expect(decodeCbor(frame)).toBe(-(1n << 512n));
  });

  test('leading zero bytes of a bignum do not count: a million of them before 05 is 5', () => {
    expect(decodeCbor(Buffer.concat([bytes('c2 5a000f4241'), Buffer.alloc(1_000_000), bytes('05')]))).toBe(5);
  });

  test('issue 11: a bignum of a million bytes is a LargeInteger, its bytes kept and its value never computed', () => {
    const magnitude = Buffer.alloc(1_000_000, 0xff);
    for (const [tag, negative] of [['c2', false], ['c3', true]] as const) {
      const frame = Buffer.concat([bytes(`${tag} 5a000f4240`), magnitude]);
      const value = decodeCbor(frame);
      expect(value).toBeInstanceOf(LargeInteger);
      expect(value).toMatchObject({ negative, magnitude: new Uint8Array(magnitude) });
      expect(String(value)).toBe(`${negative ? '-' : ''}<integer of 8000000 bits>`);
      expect(encodeCbor(value)).toEqual(frame); // forwarded as it came where a protocol takes anything
    }
  });

  test('issue 11: a datetime text of a megabyte is refused in a bounded message', () => {
    const frame = Buffer.concat([bytes('c0 7a00100000'), Buffer.alloc(1 << 20, 0x59)]);
    expect(() => decodeCbor(frame)).toThrow(/^invalid datetime string: "Y{32}…" \(1048576 characters\)$/);
  });
});

describe('floats come back as Float64, so 60.0 is not 60', () => {
  test.each([
    ['fb404e000000000000', 60],
    ['fa42700000', 60],
    ['f95380', 60],
    ['f93e00', 1.5],
    ['f90001', 2 ** -24],
    ['f9fc00', -Infinity],
  ])('%s', (hex, value) => {
    expect(decode(hex)).toEqual(new Float64(value));
  });

  test('NaN', () => {
    expect(Number.isNaN((decode('f97e00') as Float64).value)).toBe(true);
  });

  test('an int field refuses a whole float, as a 0.18 peer does', () => {
    const frame = encodeCbor(['STATFS', [new Float64(60), 1]]);
    expect(() => statsProtocol.decode(frame)).toThrow('invalid data for STATFS: expected int @ data[0]');
  });
});

describe('strings, arrays, maps', () => {
  test('indefinite-length strings and containers, as cbor2 accepts them', () => {
    expect(decode('7f 6161 6162 ff')).toBe('ab');
    expect(decode('5f 4101 4102 ff')).toEqual(new Uint8Array([1, 2]));
    expect(decode('9f 01 9f ff ff')).toEqual([1, []]);
    expect(decode('bf 6161 01 ff')).toEqual({ a: 1 });
  });

  test('a byte string is a copy, not a view of the frame', () => {
    const frame = bytes('43 010203');
    const value = decodeCbor(frame) as Uint8Array;
    frame[1] = 9;
    expect([...value]).toEqual([1, 2, 3]);
  });

  test('a map with a non-string key is a Map, so {str: X} schemas refuse it', () => {
    const value = decode('a2 6161 01 02 03');
    expect(value).toEqual(new Map<unknown, unknown>([['a', 1], [2, 3]]));
    expect(() => statsProtocol.decode(encodeCbor(['STATBQ', value]))).toThrow('invalid data for STATBQ: expected dict');
  });

  test('duplicate keys: the last wins, as in a Python dict', () => {
    expect(decode('a2 6161 01 6161 02')).toEqual({ a: 2 });
  });

  test('a "__proto__" key is an own data property and touches no prototype', () => {
    const value = decode('a1 69' + text('__proto__') + 'a1 6178 01') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test('undefined and other simple values come back opaque', () => {
    expect(decode('f7')).toEqual(new CborSimpleValue(23));
    expect(decode('f0')).toEqual(new CborSimpleValue(16));
    expect(decode('f8ff')).toEqual(new CborSimpleValue(255));
    expect(decode('83 f4 f5 f6')).toEqual([false, true, null]);
  });
});

describe('tag 0 datetimes', () => {
  test('without a fraction', () => {
    const d = decode(tag0('2020-09-15T12:00:00Z')) as PreciseDate;
    expect(d).toBeInstanceOf(PreciseDate);
    expect(d.toISOString()).toBe('2020-09-15T12:00:00.000Z');
    expect(microsecondOf(d)).toBe(0);
  });

  test('with microseconds, every one kept', () => {
    const d = decode(tag0('2020-09-15T12:00:00.123456Z')) as PreciseDate;
    expect(d.toISOString()).toBe('2020-09-15T12:00:00.123Z');
    expect(microsecondOf(d)).toBe(123456);
    expect(encodeCbor(d)).toEqual(bytes(tag0('2020-09-15T12:00:00.123456Z')));
  });

  test('short fractions are padded and digits past the sixth ignored, as cbor2 reads them', () => {
    expect(microsecondOf(decode(tag0('2020-09-15T12:00:00.5Z')) as Date)).toBe(500000);
    expect(microsecondOf(decode(tag0('2020-09-15T12:00:00.1234567Z')) as Date)).toBe(123456);
  });

  test('an offset is folded into UTC', () => {
    expect((decode(tag0('2020-09-15T14:30:00+02:30')) as Date).toISOString()).toBe('2020-09-15T12:00:00.000Z');
    expect((decode(tag0('2020-09-15T00:00:00-01:00')) as Date).toISOString()).toBe('2020-09-15T01:00:00.000Z');
  });

  test('years 1 and 9999 (Date.UTC would read year 1 as 1901)', () => {
    expect((decode(tag0('0001-01-01T00:00:00Z')) as Date).getUTCFullYear()).toBe(1);
    expect(microsecondOf(decode(tag0('9999-12-31T23:59:59.999999Z')) as Date)).toBe(999999);
  });

  test.each([
    ['a non-string', 'c0 01'],
    ['a date only', tag0('2020-09-15')],
    ['no zone', tag0('2020-09-15T12:00:00')],
    ['a space for T', tag0('2020-09-15 12:00:00Z')],
    ['February 30', tag0('2020-02-30T12:00:00Z')],
    ['February 29 of a common year', tag0('2021-02-29T12:00:00Z')],
    ['month 13', tag0('2020-13-01T12:00:00Z')],
    ['hour 24', tag0('2020-09-15T24:00:00Z')],
    ['a leap second', tag0('2016-12-31T23:59:60Z')],
    ['year 0', tag0('0000-01-01T00:00:00Z')],
    ['an offset of a day', tag0('2020-09-15T12:00:00+24:00')],
    ['offset minutes of 60', tag0('2020-09-15T12:00:00+01:60')],
    ['before year 1 once in UTC', tag0('0001-01-01T00:00:00+01:00')],
  ])('refused: %s', (_what, hex) => {
    expect(() => decode(hex)).toThrow(CborDecodeError);
  });
});

describe('tag 1 epoch datetimes are accepted on decode', () => {
  test('integer and float seconds', () => {
    expect((decode('c1 1a5f60acc0') as Date).toISOString()).toBe('2020-09-15T12:00:00.000Z');
    expect(microsecondOf(decode('c1 fb41d7d82b3047e6b4') as Date)).toBe(123456);
    expect((decode('c1 fb41d7d82b3047e6b4') as Date).toISOString()).toBe('2020-09-15T12:00:01.123Z');
  });

  test('refused: not a number, not finite, out of range', () => {
    expect(() => decode('c1 6178')).toThrow(CborDecodeError);
    expect(() => decode('c1 f97c00')).toThrow(CborDecodeError);
    expect(() => decode('c1 1b00000100000000ff')).toThrow(CborDecodeError);
  });
});

describe('tag 2001 timedelta, normalised like Python', () => {
  test.each([
    [[0, 10800, 0], [0, 10800, 0]],
    [[0, -1, 0], [-1, 86399, 0]],
    [[0, 0, -1], [-1, 86399, 999999]],
    [[0, 90000, 0], [1, 3600, 0]],
    [[1, 0, 1_000_000], [1, 1, 0]],
    [[-3, -7200, 0], [-4, 79200, 0]],
  ])('%j → %j', (wire, normal) => {
    const td = decodeCbor(encodeCbor(new OpaqueTag(2001, wire))) as TimeDelta;
    expect(td).toBeInstanceOf(TimeDelta);
    expect([td.days, td.seconds, td.microseconds]).toEqual(normal);
  });

  test.each([
    ['two items', [1, 2]],
    ['a string', 'PT3H'],
    ['a float', [0, 1.5, 0]],
    ['beyond the safe range', [1e12, 0, 0]],
  ])('refused: %s', (_what, wire) => {
    const payload = Array.isArray(wire) ? wire.map((x) => (Number.isInteger(x) ? x : new Float64(x as number))) : wire;
    expect(() => decodeCbor(encodeCbor(new OpaqueTag(2001, payload)))).toThrow(CborDecodeError);
  });
});

describe('tag 258 sets and tag 2002 NoData', () => {
  test('a set of strings, and of pairs', () => {
    expect(decode('d90102 82 6161 6162')).toEqual(new Set(['a', 'b']));
    expect(decode('d90102 81 82 6161 6162')).toEqual(new Set([['a', 'b']]));
  });

  test('a set must hold an array', () => {
    expect(() => decode('d90102 6161')).toThrow(CborDecodeError);
  });

  test('NoData, whatever the payload (0.18\'s default_decoder ignores it)', () => {
    expect(decode('d907d2 f6')).toBe(NO_DATA);
    expect(decode('d907d2 01')).toBe(NO_DATA);
  });
});

describe('unknown tags, cbor-x\'s extension tags included, are opaque and never honoured', () => {
  test.each([
    ['28 shareable', 'd81c 81 01', 28, [1]],
    ['29 shared reference', 'd81d 00', 29, 0],
    ['105 legacy record', 'd869 84 19e000 81 6161 01 02', 105, [0xe000, ['a'], 1, 2]],
    ['259 Map', 'd90103 a1 01 02', 259, new Map([[1, 2]])],
    ['51 packed table', 'd833 80', 51, []],
    ['6 packed reference', 'c6 00', 6, 0],
    ['225 packed prefix', 'd8e1 6161', 225, 'a'],
    ['0xdff9 bundled strings', 'd9dff9 82 6161 6162', 0xdff9, ['a', 'b']],
    ['0xdffe record definitions', 'd9dffe 83 19e000 81 6161 a0', 0xdffe, [0xe000, ['a'], {}]],
    ['0xdfff inline record', 'd9dfff 83 19e000 81 6161 01', 0xdfff, [0xe000, ['a'], 1]],
    ['0xe000 record use', 'd9e000 81 01', 0xe000, [1]],
    ['55799 self-describe', 'd9d9f7 01', 55799, 1],
    ['2^64-1', 'dbffffffffffffffff 01', 2n ** 64n - 1n, 1],
  ])('%s', (_what, hex, tag, value) => {
    expect(decode(hex)).toEqual(new OpaqueTag(tag, value));
    expect(() => statsProtocol.decode(encodeCbor(['STATBQ', decode(hex)]))).toThrow(/^invalid data for STATBQ/);
  });

  test('a record definition sent in one frame has no effect on the next', () => {
    const define = bytes('82 66535441544251 d9dfff 84 19e000 82 6563703331316463703339 01 02');
    expect(() => statsProtocol.decode(define)).toThrow('invalid data for STATBQ: expected dict');
    const use = bytes('82 66535441544251 d9e000 82 01 02');
    expect(decodeCbor(use)).toEqual(['STATBQ', new OpaqueTag(0xe000, [1, 2])]);
    expect(() => statsProtocol.decode(use)).toThrow('invalid data for STATBQ: expected dict');
    expect(statsProtocol.decode(encodeCbor(['STATBQ', { cp311: 1 }]))).toEqual({ verb: 'STATBQ', data: { cp311: 1 } });
  });
});
