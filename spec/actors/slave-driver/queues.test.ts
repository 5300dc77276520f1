/**
 * Build queues through the Slave Driver (behaviours 44–47, 60–64, A.1, A.2): QUEUE on the builds queue,
 * DELVER / DELPKG on the skip queue, and slaves asking for work over a real ROUTER socket.
 */
import { queues } from '../../../actors/runtime/queues.js';
import { eventually } from '../zmq/support.js';
import { builtFailed, startDriver, type Harness } from './support/harness.js';

let h: Harness;
afterEach(async () => h.close());

describe('build queues', () => {
  test('A.2: two slaves of different ABIs each get only the jobs of their own ABI', async () => {
    h = await startDriver({ abis: ['cp311', 'cp39'] });
    await h.queue({ cp311: [['a', '1.0'], ['b', '1.0']], cp39: [['c', '1.0']] });
    const [py311, py39] = [h.slave(), h.slave()];
    await expect(py311.connect({ abi: 'cp311' })).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
    await expect(py39.connect({ abi: 'cp39' })).resolves.toEqual({ verb: 'BUILD', data: ['c', '1.0'] });
    await py39.built(builtFailed());
    // cp311 work is left, but never for the cp39 slave.
    await expect(py39.idle()).resolves.toEqual({ verb: 'SLEEP', data: false });
    await py311.built(builtFailed());
    await expect(py311.idle()).resolves.toEqual({ verb: 'BUILD', data: ['b', '1.0'] });
    const logged = [...h.oracle.builds.values()].map((b) => [b[1], b[3]]);
    expect(logged).toEqual([['c', 'cp39'], ['a', 'cp311']]);
  });

  test('A.2, behaviour 44: a slave whose ABI is not a build ABI, or whose queue is empty, is told SLEEP false', async () => {
    h = await startDriver({ abis: ['cp311', 'cp39'] });
    await h.queue({ cp311: [['a', '1.0']], cp27mu: [['b', '1.0']] });
    const [odd, idle] = [h.slave(), h.slave()];
    await expect(odd.connect({ abi: 'cp27mu' })).resolves.toEqual({ verb: 'SLEEP', data: false });
    await expect(idle.connect({ abi: 'cp39' })).resolves.toEqual({ verb: 'SLEEP', data: false });
    expect(h.driver.buildQueues.lengths()).toEqual({ cp311: 1, cp39: 0 });
  });

  test('behaviour 44: before any QUEUE arrives every slave sleeps', async () => {
    h = await startDriver();
    await expect(h.slave().connect()).resolves.toEqual({ verb: 'SLEEP', data: false });
  });

  test('behaviours 45, 46: a job in flight is not handed to a second slave even after a refresh re-lists it', async () => {
    h = await startDriver({ abis: ['cp311'] });
    await h.queue({ cp311: [['a', '1.0']] });
    const [first, second] = [h.slave(), h.slave()];
    await expect(first.connect()).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
    expect(h.driver.buildQueues.inFlight('cp311', 'a', '1.0')).toBe(true);
    // The Architect's query ran before the build finished: it still lists a.
    await expect(h.queue({ cp311: [['a', '1.0'], ['b', '1.0']] })).resolves.toEqual({ cp311: 1 });
    await expect(second.connect()).resolves.toEqual({ verb: 'BUILD', data: ['b', '1.0'] });
    await h.queue({ cp311: [['a', '1.0'], ['b', '1.0']] });
    await expect(h.slave().connect()).resolves.toEqual({ verb: 'SLEEP', data: false });
  });

  test('behaviour 45: the in-flight hold lasts the slave\'s build timeout; after it the job may be handed out again', async () => {
    let now = Date.UTC(2024, 0, 1);
    h = await startDriver({ abis: ['cp311'], now: () => now });
    await h.queue({ cp311: [['a', '1.0']] });
    await h.slave().connect();
    now += 3 * 3600 * 1000; // the HELLO's 3 h build timeout
    await h.queue({ cp311: [['a', '1.0']] });
    await expect(h.slave().connect()).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
  });

  test('behaviour 47: each IDLE pushes STATBQ with what is left in every queue', async () => {
    h = await startDriver({ abis: ['cp311', 'cp39'] });
    await h.queue({ cp311: [['a', '1.0'], ['b', '1.0']] });
    const from = h.statbq.items.length;
    await h.slave().connect();
    await expect(h.statbq.next(() => true, from)).resolves.toEqual({ cp311: 1, cp39: 0 });
  });

  test('behaviour 47: while nobody reads the stats queue, STATBQ beyond its high-water mark is dropped, quietly', async () => {
    h = await startDriver({ abis: ['cp311'], readStats: false });
    const s = h.slave();
    await s.hello();
    for (let i = 0; i < queues.stats.hwm + 5; i++) await s.idle();
    const late: unknown[] = [];
    h.bus.listen(queues.stats, (msg) => late.push(msg));
    await eventually(() => late.length === queues.stats.hwm);
    await expect(s.idle()).resolves.toEqual({ verb: 'SLEEP', data: false });
    await eventually(() => late.length === queues.stats.hwm + 1);
    expect(h.errors()).toEqual([]);
  });

  test('behaviour 60: QUEUE asks GETABIS, gives every build ABI a list and pushes STATBQ with all lengths', async () => {
    h = await startDriver({ abis: ['cp311', 'cp39', 'cp312'] });
    const stats = await h.queue({ cp311: [['a', '1.0'], ['b', '2.0']], cp39: [['a', '1.0']] });
    expect(stats).toEqual({ cp311: 2, cp39: 1, cp312: 0 });
    expect(h.oracle.count('GETABIS')).toBe(1);
    // A complete replacement: what the new message leaves out is gone.
    await expect(h.queue({ cp39: [['z', '1.0']] })).resolves.toEqual({ cp311: 0, cp39: 1, cp312: 0 });
  });

  test('behaviour 60: when GETABIS fails the refresh still happens, over the ABIs already known and those in the message', async () => {
    h = await startDriver({ abis: ['cp311'] });
    await h.queue({ cp311: [['a', '1.0']] });
    h.oracle.fail('GETABIS');
    await expect(h.queue({ cp311: [['b', '1.0']], cp39: [['c', '1.0']] })).resolves.toEqual({ cp311: 1, cp39: 1 });
    expect(h.errors().some((e) => e.startsWith('unable to read the build ABIs') && e.includes('GETABIS failed'))).toBe(true);
  });

  test('behaviour 61: an invalid QUEUE never reaches the Slave Driver and the old queues are kept', async () => {
    h = await startDriver({ abis: ['cp311'] });
    await h.queue({ cp311: [['a', '1.0']] });
    expect(() => h.bus.push(queues.builds, { verb: 'QUEUE', data: { cp311: [['a']] } } as never)).toThrow(/invalid data for QUEUE/);
    expect(() => h.bus.push(queues.builds, { verb: 'QUEUE' } as never)).toThrow(/data must be specified for QUEUE/);
    await expect(h.slave().connect()).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
  });

  test('behaviours 62, 66: DELVER strips the version, skips the slave building it (DONE at its next BUSY), answers OK', async () => {
    h = await startDriver({ abis: ['cp311', 'cp39'] });
    await h.queue({ cp311: [['a', '1.0'], ['a', '2.0']], cp39: [['a', '1.0'], ['b', '1.0']] });
    const [builder, bystander] = [h.slave(), h.slave()];
    await expect(builder.connect()).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
    await expect(bystander.connect({ abi: 'cp39' })).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
    await bystander.built(builtFailed()); // finished before the deletion: not skipped
    await expect(h.skip('a', '1.0')).resolves.toEqual({ verb: 'OK' });
    expect(h.driver.slave(1)!.skipped).toBe(true);
    expect(h.driver.slave(2)!.skipped).toBe(false);
    await expect(builder.busy()).resolves.toEqual({ verb: 'DONE' });
    expect(h.driver.slave(1)!.skipped).toBe(false); // behaviour 66
    expect(h.driver.buildQueues.lengths()).toEqual({ cp311: 1, cp39: 1 });
    await h.queue({ cp311: [['a', '1.0'], ['a', '2.0']], cp39: [['a', '1.0'], ['b', '1.0']] });
    await expect(builder.idle()).resolves.toEqual({ verb: 'BUILD', data: ['a', '2.0'] });
    await expect(bystander.idle()).resolves.toEqual({ verb: 'BUILD', data: ['b', '1.0'] });
  });

  test('behaviour 50: a deleted build whose BUILT arrives is discarded with DONE and never logged', async () => {
    h = await startDriver({ abis: ['cp311'] });
    await h.queue({ cp311: [['a', '1.0']] });
    const s = h.slave();
    await s.connect();
    await h.skip('a');
    await expect(s.built(builtFailed())).resolves.toEqual({ verb: 'DONE' });
    expect(h.oracle.count('LOGBUILD')).toBe(0);
    expect(h.web.requests).toEqual([]);
  });

  test('behaviour 63: DELPKG removes every version of the package from every queue', async () => {
    h = await startDriver({ abis: ['cp311', 'cp39'] });
    await h.queue({ cp311: [['a', '1.0'], ['ab', '1.0'], ['a', '2.0']], cp39: [['a', '3.0']] });
    await expect(h.skip('a')).resolves.toEqual({ verb: 'OK' });
    expect(h.driver.buildQueues.pending('cp311')).toEqual([['ab', '1.0']]);
    expect(h.driver.buildQueues.pending('cp39')).toEqual([]);
  });

  test('behaviour 64: a deletion before any queue makes empty queues and still filters the first QUEUE', async () => {
    h = await startDriver({ abis: ['cp311', 'cp39'] });
    await h.skip('a', '1.0');
    expect(h.oracle.count('GETABIS')).toBe(1);
    expect(h.driver.buildQueues.lengths()).toEqual({ cp311: 0, cp39: 0 });
    await expect(h.queue({ cp311: [['a', '1.0'], ['b', '1.0']] })).resolves.toEqual({ cp311: 1, cp39: 0 });
  });

  test('a deletion is answered OK even when GETABIS fails', async () => {
    h = await startDriver({ abis: ['cp311'] });
    await h.queue({ cp311: [['a', '1.0'], ['b', '1.0']] });
    h.oracle.fail('GETABIS');
    await expect(h.skip('a')).resolves.toEqual({ verb: 'OK' });
    expect(h.driver.buildQueues.pending('cp311')).toEqual([['b', '1.0']]);
  });

  test('QUEUE messages are applied in the order they were pushed', async () => {
    h = await startDriver({ abis: ['cp311'] });
    for (let i = 0; i < 5; i++) h.bus.push(queues.builds, { verb: 'QUEUE', data: { cp311: [[`p${i}`, '1.0']] } });
    await eventually(() => h.oracle.count('GETABIS') === 5 && h.statbq.items.length === 5);
    expect(h.driver.buildQueues.pending('cp311')).toEqual([['p4', '1.0']]);
  });
});
