import { SLICE, mapYielding, sortYielding } from '../../../actors/scribe/yielding.js';

test('sortYielding is a stable sort, across slice boundaries too', async () => {
  const items = Array.from({ length: 5 * SLICE + 3 }, (_, i) => ({ key: (i * 7919) % 50, i }));
  const sorted = await sortYielding(items, (a, b) => a.key - b.key);
  expect(sorted).toEqual([...items].sort((a, b) => a.key - b.key || a.i - b.i));
  expect(await sortYielding([], (a: number, b: number) => a - b)).toEqual([]);
});

test('long work lets other callbacks run between slices', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const items = Array.from({ length: 40 * SLICE }, (_, i) => (i * 104729) % 100_003);
  const before = ticks;
  const mapped = await mapYielding(items, (x, i) => x + i);
  const sorted = await sortYielding(mapped, (a, b) => a - b);
  clearInterval(timer);
  expect(sorted).toHaveLength(items.length);
  expect(ticks).toBeGreaterThan(before); // a timer fired while the work was in progress
});
