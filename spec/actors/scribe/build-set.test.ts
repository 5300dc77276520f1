import { BuildSet } from '../../../actors/scribe/build-set.js';

test('holds build ids, growing to the largest; deletes; refuses what is not a build id', () => {
  const set = new BuildSet();
  for (const id of [0, 1, 7, 8, 9_999, 12_345_678]) set.add(id);
  expect([0, 1, 7, 8, 9_999, 12_345_678].every((id) => set.has(id))).toBe(true);
  expect([2, 6, 9, 10_000, 12_345_677, 99_999_999].some((id) => set.has(id))).toBe(false);
  set.delete(8);
  set.delete(123_456_789); // beyond the end: nothing to do
  expect(set.has(8)).toBe(false);
  expect(set.has(7)).toBe(true);
  expect(() => set.add(-1)).toThrow(RangeError);
  expect(() => set.add(1.5)).toThrow(RangeError);
});
