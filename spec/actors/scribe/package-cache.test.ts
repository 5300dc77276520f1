import { PackageCache } from '../../../actors/scribe/package-cache.js';

test('the cache stays sorted and unique through load, add and delete', async () => {
  const cache = new PackageCache();
  await cache.load(new Set(['zeta', 'alpha', 'mu']));
  expect(cache.add('beta')).toBe(true);
  expect(cache.add('alpha')).toBe(false);
  expect(cache.add('zz')).toBe(true);
  expect(cache.add('a')).toBe(true);
  expect(cache.delete('mu')).toBe(true);
  expect(cache.delete('mu')).toBe(false);
  expect(cache.list()).toEqual(['a', 'alpha', 'beta', 'zeta', 'zz']);
  expect([cache.has('beta'), cache.has('b'), cache.size]).toEqual([true, false, 5]);
  const copy = cache.list();
  cache.add('c');
  expect(copy).toHaveLength(5); // lists are copies
});

test('loading a large list sorts it exactly as Array#sort, duplicates dropped', async () => {
  const names = Array.from({ length: 50_000 }, (_, i) => `p-${((i * 2654435761) >>> 0).toString(36)}`);
  names.push('p-0', 'Z', '', 'é', 'p-0');
  const cache = new PackageCache();
  await cache.load(names);
  expect(cache.list()).toEqual([...new Set(names)].sort());
});
