/**
 * Monitor control and status (behaviours 42, 65–71): control verbs pushed on the Slave Driver's control
 * queue, status messages published on the internal status queue, slaves over a real ROUTER socket.
 */
import { slaveDriverControlQueue, type SlaveControlMessage } from '../../../actors/slave-driver/index.js';
import { NO_DATA } from '../../../protocols/index.js';
import { eventually } from '../zmq/support.js';
import { brief, builtFailed, helloData, startDriver, type Harness } from './support/harness.js';

const PYPI = 'https://pypi.org/simple';
let h: Harness;
afterEach(async () => h.close());

function control(msg: SlaveControlMessage): void {
  if (!h.bus.push(slaveDriverControlQueue, msg)) throw new Error('control queue full');
}

/** Waits until the driver has taken every control message pushed so far. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('control', () => {
  test('behaviour 42: KILL for one slave → DIE at its next IDLE; the other slave is untouched', async () => {
    h = await startDriver();
    const [a, b] = [h.slave(), h.slave()];
    await a.connect();
    await b.connect();
    control({ verb: 'KILL', data: 1 });
    await settled();
    await expect(a.idle()).resolves.toEqual({ verb: 'DIE' });
    await expect(b.idle()).resolves.toEqual({ verb: 'SLEEP', data: false });
    await a.bye();
    await eventually(() => h.driver.slaveIds().join() === '2');
  });

  test('behaviour 42: KILL null kills every slave', async () => {
    h = await startDriver();
    const slaves = [h.slave(), h.slave(), h.slave()];
    for (const s of slaves) await s.connect();
    control({ verb: 'KILL', data: null });
    await settled();
    for (const s of slaves) await expect(s.idle()).resolves.toEqual({ verb: 'DIE' });
  });

  test('behaviour 65: KILL, SKIP, SLEEP and WAKE for an unknown id do nothing and log no error', async () => {
    h = await startDriver();
    const s = h.slave();
    await s.connect();
    for (const verb of ['KILL', 'SKIP', 'SLEEP', 'WAKE'] as const) control({ verb, data: 42 });
    await settled();
    await expect(s.idle()).resolves.toEqual({ verb: 'SLEEP', data: false });
    expect(h.errors()).toEqual([]);
    expect(h.log.entries.filter((e) => e.level === 'warning')).toEqual([]);
  });

  test('behaviour 48: SKIP abandons the build in progress: DONE at the next BUSY, nothing logged', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['a', '1.0'], ['b', '1.0']] });
    const s = h.slave();
    await s.connect();
    await expect(s.busy()).resolves.toEqual({ verb: 'CONT' });
    control({ verb: 'SKIP', data: 1 });
    await settled();
    await expect(s.busy()).resolves.toEqual({ verb: 'DONE' });
    await expect(s.idle()).resolves.toEqual({ verb: 'BUILD', data: ['b', '1.0'] });
    expect(h.oracle.count('LOGBUILD')).toBe(0);
  });

  test('SKIP of an idle slave does not carry over to its next build', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['a', '1.0']] });
    const s = h.slave();
    await s.hello();
    control({ verb: 'SKIP', data: 1 });
    await settled();
    await expect(s.idle()).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
    await expect(s.busy()).resolves.toEqual({ verb: 'CONT' });
  });

  test('behaviour 68 (fixed): a per-slave SLEEP pauses that slave only; WAKE lets it work again', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['a', '1.0'], ['b', '1.0']] });
    const [sleepy, busy] = [h.slave(), h.slave()];
    await sleepy.hello();
    await busy.hello();
    control({ verb: 'SLEEP', data: 1 });
    await settled();
    await expect(sleepy.idle()).resolves.toEqual({ verb: 'SLEEP', data: true });
    await expect(busy.idle()).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
    control({ verb: 'WAKE', data: 1 });
    await settled();
    await expect(sleepy.idle()).resolves.toEqual({ verb: 'BUILD', data: ['b', '1.0'] });
  });

  test('SLEEP null flags every slave and WAKE null clears them all', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['a', '1.0'], ['b', '1.0']] });
    const [a, b] = [h.slave(), h.slave()];
    await a.hello();
    await b.hello();
    control({ verb: 'SLEEP', data: null });
    await settled();
    await expect(a.idle()).resolves.toEqual({ verb: 'SLEEP', data: true });
    await expect(b.idle()).resolves.toEqual({ verb: 'SLEEP', data: true });
    control({ verb: 'WAKE', data: null });
    await settled();
    await expect(a.idle()).resolves.toEqual({ verb: 'BUILD', data: ['a', '1.0'] });
    await expect(b.idle()).resolves.toEqual({ verb: 'BUILD', data: ['b', '1.0'] });
  });

  test('behaviour 67: WAKE clears the killed, skipped and paused flags', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['a', '1.0']] });
    const s = h.slave();
    await s.connect();
    for (const verb of ['KILL', 'SKIP', 'SLEEP'] as const) control({ verb, data: 1 });
    await settled();
    expect(h.driver.slave(1)).toMatchObject({ killed: true, skipped: true, paused: true });
    control({ verb: 'WAKE', data: 1 });
    await settled();
    expect(h.driver.slave(1)).toMatchObject({ killed: false, skipped: false, paused: false });
    await expect(s.busy()).resolves.toEqual({ verb: 'CONT' });
  });
});

describe('status', () => {
  test('behaviours 69, 70: HELLO then ACK; STATS for each IDLE and BUSY; every reply but CONT; DONE with NoData', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['a', '1.0']] });
    const s = h.slave();
    await s.connect();
    await s.busy();
    await s.built(builtFailed());
    await s.idle();
    await h.statuses.next((st) => st.data[2] === 'SLEEP');
    const seen = h.statuses.items.map(brief);
    expect(seen.map(([id, verb]) => `${id} ${verb}`)).toEqual([
      '1 HELLO', '1 ACK', '1 STATS', '1 BUILD', '1 STATS', '1 DONE', '1 STATS', '1 SLEEP',
    ]);
    expect(seen[0]![2]).toEqual(helloData());
    expect(seen[1]![2]).toEqual([1, PYPI]);
    expect(seen[3]![2]).toEqual(['a', '1.0']);
    expect(seen[5]![2]).toBe(NO_DATA);
    expect(seen[7]![2]).toBe(false);
    // The first HELLO's timestamp is when the slave was first seen, and never goes backwards after.
    const times = h.statuses.items.map((st) => st.data[1].getTime());
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  test('behaviour 71: a monitor\'s HELLO replays, per slave in id order, its HELLO, its stats and its last reply', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['a', '1.0']] });
    const [a, b] = [h.slave(), h.slave()];
    await a.connect();
    await a.busy();
    await b.connect({ abi: 'cp39' });
    await b.idle();
    const from = h.statuses.items.length;
    control({ verb: 'HELLO' });
    await h.statuses.next((st) => st.data[0] === 2 && st.data[2] === 'SLEEP', from);
    const replay = h.statuses.items.slice(from).map(brief);
    expect(replay.map(([id, verb]) => `${id} ${verb}`)).toEqual([
      '1 HELLO', '1 STATS', '1 STATS', '1 BUILD',
      '2 HELLO', '2 STATS', '2 STATS', '2 SLEEP',
    ]);
    expect(replay[4]![2]).toEqual(helloData({ abi: 'cp39' }));
  });

  test('behaviour 71: with no slaves a monitor\'s HELLO publishes nothing', async () => {
    h = await startDriver();
    control({ verb: 'HELLO' });
    await settled();
    await settled();
    expect(h.statuses.items).toEqual([]);
  });

  test('behaviour 71: the replay keeps the last 100 stats samples', async () => {
    h = await startDriver();
    const s = h.slave();
    await s.hello();
    for (let i = 0; i < 105; i++) await s.idle();
    const from = h.statuses.items.length;
    control({ verb: 'HELLO' });
    await h.statuses.next((st) => st.data[2] === 'SLEEP', from);
    const verbs = h.statuses.items.slice(from).map((st) => st.data[2]);
    expect(verbs).toEqual(['HELLO', ...Array(100).fill('STATS'), 'SLEEP']);
  });
});
