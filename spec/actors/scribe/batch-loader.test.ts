import { BatchLoader } from '../../../actors/scribe/batch-loader.js';

test('loads made together are one fetch, each key once; a missing key gets the default', async () => {
  const fetches: string[][] = [];
  const loader = new BatchLoader<string, number>(async (keys) => {
    fetches.push(keys);
    return new Map(keys.filter((k) => k !== 'none').map((k) => [k, k.length]));
  }, { missing: -1 });
  expect(await Promise.all([loader.load('a'), loader.load('bb'), loader.load('a'), loader.load('none')])).toEqual([1, 2, 1, -1]);
  expect(fetches).toEqual([['a', 'bb', 'none']]);
  expect(await loader.load('a')).toBe(1); // nothing kept between batches
  expect(fetches).toHaveLength(2);
});

test('while batches are out, loads gather for the next one; batches are at most max keys; a failure fails its batch only', async () => {
  const fetches: number[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const loader = new BatchLoader<number, number>(async (keys) => {
    fetches.push(keys);
    if (fetches.length === 1) await gate;
    if (keys.includes(13)) throw new Error('unlucky');
    return new Map(keys.map((k) => [k, k * 2]));
  }, { missing: 0, max: 2, inFlight: 1 });
  const first = loader.load(1);
  await new Promise((r) => setImmediate(r));
  const later = [2, 3, 13].map((k) => loader.load(k).catch((err: Error) => err.message));
  await new Promise((r) => setImmediate(r));
  expect(fetches).toEqual([[1]]); // one out at a time: the others wait for it
  release();
  expect(await first).toBe(2);
  expect(await Promise.all(later)).toEqual([4, 6, 'unlucky']);
  expect(fetches).toEqual([[1], [2, 3], [13]]);
});
