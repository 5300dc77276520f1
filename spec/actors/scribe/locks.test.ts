import { Coalescing, KeyedLock } from '../../../actors/scribe/locks.js';

const tick = () => new Promise((r) => setImmediate(r));

test('KeyedLock runs tasks of one key in call order and different keys side by side', async () => {
  const lock = new KeyedLock();
  const log: string[] = [];
  const task = (name: string, turns: number) => async () => {
    log.push(`start ${name}`);
    for (let i = 0; i < turns; i++) await tick();
    log.push(`end ${name}`);
    return name;
  };
  const results = await Promise.all([lock.run('a', task('a1', 3)), lock.run('a', task('a2', 0)), lock.run('b', task('b1', 1))]);
  expect(results).toEqual(['a1', 'a2', 'b1']);
  expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
  expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
});

test('KeyedLock: a failing task releases the key for the next one', async () => {
  const lock = new KeyedLock();
  const first = lock.run('k', async () => {
    throw new Error('boom');
  });
  const second = lock.run('k', async () => 'ran');
  await expect(first).rejects.toThrow('boom');
  await expect(second).resolves.toBe('ran');
});

test('Coalescing folds requests made while a run waits into that run; every request is served by a later start', async () => {
  const starts: number[] = [];
  let clock = 0;
  const runner = new Coalescing(async () => {
    starts.push(clock);
    await tick();
    await tick();
  });
  const requests: Promise<number>[] = [];
  const ask = () => {
    const at = ++clock;
    requests.push(runner.request().then(() => at));
  };
  ask(); // starts a run
  await tick();
  for (let i = 0; i < 10; i++) ask(); // all during the first run: one more run
  await Promise.all(requests);
  expect(starts).toHaveLength(2);
  expect(starts[1]).toBeGreaterThanOrEqual(11); // the second run began after the last request
  ask();
  await Promise.all(requests);
  expect(starts).toHaveLength(3);
});

test('Coalescing: a failed run rejects its callers and does not block the next', async () => {
  let fail = true;
  const runner = new Coalescing(async () => {
    if (fail) throw new Error('disk full');
  });
  await expect(runner.request()).rejects.toThrow('disk full');
  fail = false;
  await expect(runner.request()).resolves.toBeUndefined();
});
