/** The JS stand-ins for Python values (protocols/README.md §1.2): TimeDelta, PreciseDate, Float64 unwrapping. */
import { Float64, microsecondOf, PreciseDate, TimeDelta, unwrapFloats } from '../../../protocols/index.js';

describe('TimeDelta normalises like Python timedelta', () => {
  test.each([
    [[0, 0, 0], [0, 0, 0]],
    [[0, -1, 0], [-1, 86399, 0]],
    [[0, 0, -1], [-1, 86399, 999999]],
    [[0, 86400, 0], [1, 0, 0]],
    [[0, 0, 1_500_000], [0, 1, 500000]],
    [[-1, 86401, 0], [0, 1, 0]],
    [[0.5, 0, 0], [0, 43200, 0]],
  ])('timedelta(%j) == %j', (args, normal) => {
    const td = new TimeDelta(...(args as [number, number, number]));
    expect([td.days, td.seconds, td.microseconds]).toEqual(normal);
  });

  test('totals and equality ignore how it was written', () => {
    expect(new TimeDelta(0, -1).totalSeconds).toBe(-1);
    expect(TimeDelta.fromSeconds(1.5).equals(new TimeDelta(0, 1, 500000))).toBe(true);
    expect(TimeDelta.fromMilliseconds(-250).totalMicroseconds).toBe(-250000);
  });

  test('beyond exact microseconds it refuses', () => {
    expect(() => new TimeDelta(1e9)).toThrow(RangeError);
  });
});

describe('PreciseDate', () => {
  test('is a Date with the microseconds below the millisecond', () => {
    const d = new PreciseDate(Date.parse('2020-09-15T12:00:00.123Z'), 456);
    expect(d).toBeInstanceOf(Date);
    expect(d.getTime()).toBe(Date.parse('2020-09-15T12:00:00.123Z'));
    expect(microsecondOf(d)).toBe(123456);
  });

  test('a plain Date has whole milliseconds of microseconds', () => {
    expect(microsecondOf(new Date('2020-09-15T12:00:00.007Z'))).toBe(7000);
  });

  test.each([-1, 1000, 0.5])('extra microseconds %d are refused', (us) => {
    expect(() => new PreciseDate(0, us)).toThrow(RangeError);
  });
});

describe('unwrapFloats', () => {
  test('turns every Float64 back into a number, in lists, maps, sets and Maps', () => {
    const value = [new Float64(1), { a: new Float64(2), b: 'x' }, new Set([new Float64(3)]), new Map([['k', new Float64(4)]])];
    expect(unwrapFloats(value)).toEqual([1, { a: 2, b: 'x' }, new Set([3]), new Map([['k', 4]])]);
  });

  test('copies only what held a float and never changes its input', () => {
    const untouched = { list: ['a', 1] };
    const value = [untouched, [new Float64(0.5)]];
    const out = unwrapFloats(value) as unknown[];
    expect(out).not.toBe(value);
    expect(out[0]).toBe(untouched);
    expect(value[1]).toEqual([new Float64(0.5)]);
    const plain = { a: [1, 2] };
    expect(unwrapFloats(plain)).toBe(plain);
  });

  test('a "__proto__" key stays data', () => {
    const value = JSON.parse('{"__proto__": 1}');
    value.__proto__ = new Float64(1); // an own property, since JSON.parse made it one
    const out = unwrapFloats(value) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});
