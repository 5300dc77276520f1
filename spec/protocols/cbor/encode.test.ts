/**
 * The encoder's JS-side rules (protocols/README.md §1.2). Byte-exactness against cbor2 for every type is proven by
 * the golden vectors; these cover what JS values bring: number vs bigint, whole floats, Dates with and
 * without microseconds, strings with no UTF-8 form, values with no CBOR form.
 */
import {
  CborEncodeError,
  CborSimpleValue,
  encodeCbor,
  Float64,
  formatDatetime,
  NO_DATA,
  OpaqueTag,
  PreciseDate,
  slaveClientProtocol,
  TimeDelta,
} from '../../../protocols/index.js';
import { slaveStats } from '../samples.js';

const hexOf = (value: unknown) => encodeCbor(value).toString('hex');

describe('integers: shortest head, never a float', () => {
  test.each([
    [0, '00'],
    [23, '17'],
    [24, '1818'],
    [256, '190100'],
    [65536, '1a00010000'],
    [2 ** 32, '1b0000000100000000'],
    [Number.MAX_SAFE_INTEGER, '1b001fffffffffffff'],
    [-1, '20'],
    [-(2 ** 32) - 1, '3b0000000100000000'],
    [Number.MIN_SAFE_INTEGER, '3b001ffffffffffffe'],
  ])('number %d', (n, hex) => {
    expect(hexOf(n)).toBe(hex);
  });

  test.each([
    [5n, '05'],
    [2n ** 32n, '1b0000000100000000'],
    [2n ** 64n - 1n, '1bffffffffffffffff'],
    [2n ** 64n, 'c249010000000000000000'],
    [-(2n ** 64n), '3bffffffffffffffff'],
    [-(2n ** 64n) - 1n, 'c349010000000000000000'],
  ])('bigint %s is written like the same Python int', (n, hex) => {
    expect(hexOf(n)).toBe(hex);
  });

  test('-0 is the integer 0', () => {
    expect(hexOf(-0)).toBe('00');
  });

  test('a JS number past 2^53 is not an exact integer and goes out as a float (int fields refuse it first)', () => {
    expect(hexOf(2 ** 60)).toBe('fb43b0000000000000');
    expect(() => slaveClientProtocol.encode({ verb: 'IDLE', data: slaveStats.map((x, i) => (i === 1 ? 2 ** 60 : x)) as never })).toThrow(
      'invalid data for IDLE: expected int @ data[1]',
    );
  });
});

describe('floats', () => {
  test('a float() field goes out as an 8-byte float even when whole: 60 → fb 404e000000000000', () => {
    const stats = slaveStats.map((x, i) => (i === 8 ? 60 : i === 7 ? 0 : x));
    const frame = slaveClientProtocol.encode({ verb: 'IDLE', data: stats as never }).toString('hex');
    expect(frame.endsWith('fb0000000000000000' + 'fb404e000000000000')).toBe(true);
  });

  test('an int field never does: disk sizes stay integers', () => {
    const frame = slaveClientProtocol.encode({ verb: 'IDLE', data: slaveStats as never }).toString('hex');
    expect(frame).toContain('1b0000000747c69000'); // 31268966400
    expect(frame).not.toContain('fb421d1f1a4000'); // 31268966400.0
  });

  test('a non-whole number needs no marking', () => {
    expect(hexOf(1.5)).toBe('fb3ff8000000000000');
    expect(hexOf(new Float64(1.5))).toBe('fb3ff8000000000000');
  });

  test('NaN and the infinities take cbor2\'s 2-byte form', () => {
    expect(hexOf(NaN)).toBe('f97e00');
    expect(hexOf(new Float64(Infinity))).toBe('f97c00');
    expect(hexOf(-Infinity)).toBe('f9fc00');
  });

  test('-0.0 keeps its sign as a float', () => {
    expect(hexOf(new Float64(-0))).toBe('fb8000000000000000');
  });
});

describe('text', () => {
  test('UTF-8, with the length of the bytes', () => {
    expect(hexOf('é')).toBe('62c3a9');
    expect(hexOf('🐍')).toBe('64f09f908d');
  });

  test('a lone surrogate has no UTF-8 form and is refused rather than replaced', () => {
    expect(() => encodeCbor('\udc00')).toThrow(CborEncodeError);
    expect(() => encodeCbor(['ok', 'x\ud800'])).toThrow(CborEncodeError);
  });
});

describe('datetimes: tag 0, UTC with Z, a fraction only when there are microseconds', () => {
  test('whole seconds', () => {
    expect(formatDatetime(new Date('2020-09-15T12:00:00Z'))).toBe('2020-09-15T12:00:00Z');
    expect(hexOf(new Date('2020-09-15T12:00:00Z'))).toBe('c074' + Buffer.from('2020-09-15T12:00:00Z').toString('hex'));
  });

  test('a plain Date has millisecond precision, written as six digits', () => {
    expect(formatDatetime(new Date('2020-09-15T12:00:00.120Z'))).toBe('2020-09-15T12:00:00.120000Z');
  });

  test('a PreciseDate keeps every microsecond', () => {
    expect(formatDatetime(new PreciseDate(Date.parse('2020-09-15T12:00:00.000Z'), 1))).toBe('2020-09-15T12:00:00.000001Z');
    expect(formatDatetime(new PreciseDate(Date.parse('2020-09-15T12:00:00.123Z'), 456))).toBe('2020-09-15T12:00:00.123456Z');
  });

  test('outside Python\'s years 1-9999, or invalid: refused', () => {
    expect(() => encodeCbor(new Date('+010000-01-01T00:00:00Z'))).toThrow(CborEncodeError);
    expect(() => encodeCbor(new Date('0000-12-31T23:59:59Z'))).toThrow(CborEncodeError);
    expect(() => encodeCbor(new Date(NaN))).toThrow(CborEncodeError);
  });
});

describe('timedelta, set, NoData', () => {
  test('3 h = d9 07d1 83 00 19 2a30 00 (protocols/README.md §1.2)', () => {
    expect(hexOf(new TimeDelta(0, 3 * 3600))).toBe('d907d183' + '00' + '192a30' + '00');
  });

  test('a set is tag 258 over an array', () => {
    expect(hexOf(new Set(['a', 'b']))).toBe('d90102' + '82' + '6161' + '6162');
  });

  test('the NoData marker is tag 2002 null', () => {
    expect(hexOf(NO_DATA)).toBe('d907d2f6');
  });
});

describe('maps', () => {
  test('keys in insertion order, as a Python dict', () => {
    expect(hexOf({ b: 1, a: 2 })).toBe('a2' + '616201' + '616102');
  });

  test('a Map may have non-string keys', () => {
    expect(hexOf(new Map([[1, 2]]))).toBe('a10102');
  });

  test('a "__proto__" key is data', () => {
    const o = JSON.parse('{"__proto__": 1}');
    expect(hexOf(o)).toBe('a1' + '69' + Buffer.from('__proto__').toString('hex') + '01');
  });
});

describe('what a decoder kept opaque goes back out as it came', () => {
  test('an unknown tag', () => {
    expect(hexOf(new OpaqueTag(40000, [1]))).toBe('d99c408101');
  });

  test('simple values', () => {
    expect(hexOf(new CborSimpleValue(23))).toBe('f7');
    expect(hexOf(new CborSimpleValue(16))).toBe('f0');
    expect(hexOf(new CborSimpleValue(255))).toBe('f8ff');
    expect(() => new CborSimpleValue(21)).toThrow(RangeError);
  });
});

describe('each result is its own buffer', () => {
  test('a later encoding, or a failed one, leaves earlier results untouched', () => {
    const first = encodeCbor(['SEND', 'a.whl']);
    const copy = Buffer.from(first);
    encodeCbor(['SEND', 'b.whl']);
    expect(() => encodeCbor(['SEND', undefined])).toThrow(CborEncodeError);
    encodeCbor('x'.repeat(100_000));
    expect(first).toEqual(copy);
    expect(encodeCbor('SENT').toString('hex')).toBe('6453454e54');
  });
});

describe('values with no CBOR form are refused', () => {
  test.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('x')],
    ['a class instance', new (class Thing {})()],
    ['undefined inside an array', [1, undefined]],
  ])('%s', (_what, value) => {
    expect(() => encodeCbor(value)).toThrow(CborEncodeError);
  });

  test('nesting beyond 64 levels', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => encodeCbor(deep)).toThrow(CborEncodeError);
  });
});
