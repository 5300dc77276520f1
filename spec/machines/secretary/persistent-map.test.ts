import { PersistentMap } from '../../../machines/secretary/persistent-map.js';

const contents = (m: PersistentMap<string, number>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => m.has(k)).map((k) => [k, m.get(k)]));

test('every version keeps its own contents when older versions are used again (branching)', () => {
  const v0 = PersistentMap.empty<string, number>();
  const v1 = v0.set('a', 1);
  const v2 = v1.set('b', 2);
  const v3 = v2.set('a', 10).delete('b');
  const branch = v1.set('c', 3); // derived from an old version
  const keys = ['a', 'b', 'c'];
  expect(contents(v0, keys)).toEqual({});
  expect(contents(v3, keys)).toEqual({ a: 10 });
  expect(contents(v2, keys)).toEqual({ a: 1, b: 2 });
  expect(contents(branch, keys)).toEqual({ a: 1, c: 3 });
  expect(contents(v1, keys)).toEqual({ a: 1 });
  expect(contents(v3, keys)).toEqual({ a: 10 });
  expect([v0.size, v1.size, v2.size, v3.size, branch.size]).toEqual([0, 1, 2, 1, 2]);
  expect(v3.delete('zzz')).toBe(v3);
});

test('random operations agree with a copied Map at every version, visited in random order', () => {
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const versions: { pm: PersistentMap<string, number>; ref: Map<string, number> }[] = [
    { pm: PersistentMap.empty(), ref: new Map() },
  ];
  const mismatches: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const base = versions[rand(versions.length)]!;
    const key = `k${rand(30)}`;
    const ref = new Map(base.ref);
    let pm: PersistentMap<string, number>;
    if (rand(3) === 0) {
      ref.delete(key);
      pm = base.pm.delete(key);
    } else {
      ref.set(key, i);
      pm = base.pm.set(key, i);
    }
    versions.push({ pm, ref });
    const probe = versions[rand(versions.length)]!;
    for (let k = 0; k < 30; k++) {
      if (probe.pm.get(`k${k}`) !== probe.ref.get(`k${k}`)) mismatches.push(`step ${i} key k${k}`);
    }
    if (probe.pm.size !== probe.ref.size) mismatches.push(`step ${i} size`);
  }
  expect(mismatches).toEqual([]);
});

test('a long linear history can be revisited from its start without deep recursion', () => {
  const first = PersistentMap.empty<number, number>().set(0, 0);
  let m = first;
  for (let i = 1; i < 200_000; i++) m = m.set(i, i);
  expect(first.size).toBe(1);
  expect(first.get(199_999)).toBeUndefined();
  expect(m.get(199_999)).toBe(199_999);
});
