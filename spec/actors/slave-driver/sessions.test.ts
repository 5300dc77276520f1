/**
 * The slave conversation through a real ROUTER socket (behaviours 37–42, 48–59): slaves speak the 0.18
 * protocol over REQ sockets; the Oracle, File Juggler and Secretary are the fakes of support/fakes.ts.
 */
import { queues } from '../../../actors/runtime/queues.js';
import { encodeCbor, NO_DATA } from '../../../protocols/index.js';
import { armTwinName, armWheel, pureWheel } from '../../machines/support/slave-fixtures.js';
import { eventually } from '../zmq/support.js';
import { brief, builtFailed, builtOk, helloData, startDriver, type Harness } from './support/harness.js';

const PYPI = 'https://pypi.org/simple';
let h: Harness;
afterEach(async () => h.close());

describe.each(['ipc', 'tcp'] as const)('slave sessions over %s', (transport) => {
  test('behaviours 37, 38: HELLO from each new connection gets the next id; the HELLO fields are kept verbatim', async () => {
    h = await startDriver({ transport });
    const [a, b] = [h.slave(), h.slave()];
    await expect(a.hello()).resolves.toEqual({ verb: 'ACK', data: [1, PYPI] });
    await expect(b.hello({ abi: 'cp39' })).resolves.toEqual({ verb: 'ACK', data: [2, PYPI] });
    expect(h.driver.slaveIds()).toEqual([1, 2]);
    expect(h.driver.slave(2)!.hello).toEqual(helloData({ abi: 'cp39' }));
  });
});

describe('slave sessions', () => {
  test('the ACK carries the configured index URL', async () => {
    h = await startDriver({ pypiSimpleUrl: 'http://127.0.0.1:8080/simple' });
    await expect(h.slave().hello()).resolves.toEqual({ verb: 'ACK', data: [1, 'http://127.0.0.1:8080/simple'] });
  });

  test('behaviour 39: a first message other than HELLO is logged as an error and never answered', async () => {
    h = await startDriver();
    const peer = h.raw();
    await peer.send({ verb: 'IDLE', data: [new Date(), 1, 1, 1, 1, 1, 1, 0.5, 40] });
    await peer.send({ verb: 'BYE' });
    await peer.send({ verb: 'HELLO', data: helloData() });
    // The first answer this connection ever gets is the ACK to its third message.
    await expect(peer.receive()).resolves.toEqual({ verb: 'ACK', data: [1, PYPI] });
    expect(h.errors()).toEqual(['invalid first message from slave: IDLE', 'invalid first message from slave: BYE']);
  });

  test('behaviours 5, 39, 40: garbage from a stranger or a known slave is logged, never answered, and the slave carries on', async () => {
    h = await startDriver();
    const peer = h.raw();
    await peer.send(Buffer.from([0xff, 0x00]));
    await peer.send({ verb: 'HELLO', data: helloData() });
    await expect(peer.receive()).resolves.toMatchObject({ verb: 'ACK' });
    await peer.send(Buffer.from([0x1c, 0xff, 0xff])); // reserved CBOR major-0 info
    await peer.send(encodeCbor(['IDLE', 'not stats']));
    await peer.send(encodeCbor(['FETCH', null]));
    await peer.send(encodeCbor(['IDLE', [new Date()], 'extra']));
    await peer.send({ verb: 'IDLE', data: [new Date(), 1, 1, 1, 1, 1, 1, 0.5, 40] });
    await expect(peer.receive()).resolves.toEqual({ verb: 'SLEEP', data: false });
    const errors = h.errors();
    expect(errors.filter((e) => e.startsWith('unable to deserialize data'))).toHaveLength(2);
    expect(errors.some((e) => e.startsWith('invalid data for IDLE'))).toBe(true);
    expect(errors.some((e) => e.startsWith('unknown message: FETCH'))).toBe(true);
    expect(errors.some((e) => e.startsWith('invalid message structure received'))).toBe(true);
    expect(h.driver.slaveIds()).toEqual([1]);
  });

  test('behaviour 10: a message with the wrong number of frames is dropped; the socket keeps serving', async () => {
    h = await startDriver();
    const peer = h.raw();
    await peer.socket.send([Buffer.alloc(0), encodeCbor('SENT'), Buffer.from('extra')]);
    await peer.send({ verb: 'HELLO', data: helloData() });
    await expect(peer.receive()).resolves.toMatchObject({ verb: 'ACK' });
    expect(h.errors()).toContain('invalid message structure received');
  });

  test('behaviour 41: IDLE after BUILD → DIE with a protocol-error log; the slave is then told DIE until BYE', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['foo', '1.0']] });
    const s = h.slave();
    await expect(s.connect()).resolves.toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
    await expect(s.idle()).resolves.toEqual({ verb: 'DIE' });
    expect(h.errors()).toContain('slave 1: protocol error (IDLE after BUILD)');
    await expect(s.busy()).resolves.toEqual({ verb: 'DIE' });
    await s.bye();
    await eventually(() => h.driver.slaveIds().length === 0);
  });

  test('out of order: BUILT before any BUILD, SENT before any SEND and a second HELLO all get DIE', async () => {
    h = await startDriver();
    const [a, b, c] = [h.slave(), h.slave(), h.slave()];
    await a.hello();
    await expect(a.built()).resolves.toEqual({ verb: 'DIE' });
    await b.connect();
    await expect(b.sent()).resolves.toEqual({ verb: 'DIE' });
    await c.hello();
    await expect(c.hello()).resolves.toEqual({ verb: 'DIE' });
    expect(h.errors()).toEqual(
      expect.arrayContaining([
        'slave 1: protocol error (BUILT after ACK)',
        'slave 2: protocol error (SENT after SLEEP)',
        'slave 3: protocol error (HELLO after ACK)',
      ]),
    );
    expect(h.oracle.count('LOGBUILD')).toBe(0);
  });

  test('behaviours 48, 51: BUSY → CONT; a failed BUILT is logged (slave ABI, no files), PROJECT requested, then DONE', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['foo', '1.0']] });
    const s = h.slave();
    await s.connect();
    await expect(s.busy()).resolves.toEqual({ verb: 'CONT' });
    await expect(s.busy()).resolves.toEqual({ verb: 'CONT' });
    await expect(s.built(builtFailed())).resolves.toEqual({ verb: 'DONE' });
    expect([...h.oracle.builds.values()]).toEqual([[1, 'foo', '1.0', 'cp311', false, builtFailed()[1], 'error: no compiler', []]]);
    expect(h.web.requests).toEqual(['PROJECT foo']);
    expect(h.fs.calls).toEqual([]);
    // Behaviour 66: DONE cleared the build.
    expect(h.driver.slave(1)!.build).toBeNull();
    await expect(s.idle()).resolves.toEqual({ verb: 'SLEEP', data: false });
  });

  test('behaviours 52–55, 57: a successful build transfers each file in name order (armv6l twin pre-transferred), then LOGBUILD and BOTH', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['foo', '1.0']] });
    const s = h.slave();
    await s.connect();
    await expect(s.built(builtOk())).resolves.toEqual({ verb: 'SEND', data: armWheel[0] });
    expect(h.oracle.count('LOGBUILD')).toBe(0);
    await expect(s.sent()).resolves.toEqual({ verb: 'SEND', data: pureWheel[0] });
    expect(h.oracle.count('LOGBUILD')).toBe(0);
    await expect(s.sent()).resolves.toEqual({ verb: 'DONE' });
    expect(h.fs.calls).toEqual([
      { verb: 'EXPECT', slaveId: 1, file: armWheel },
      { verb: 'VERIFY', slaveId: 1, pkg: 'foo' },
      { verb: 'EXPECT', slaveId: 1, file: pureWheel },
      { verb: 'VERIFY', slaveId: 1, pkg: 'foo' },
    ]);
    const [logged] = [...h.oracle.builds.values()];
    expect(logged![4]).toBe(true);
    expect(logged![7].map((f) => f[0])).toEqual([armTwinName, armWheel[0], pureWheel[0]]);
    expect(h.web.requests).toEqual(['BOTH foo']);
  });

  test('behaviour 56: a failed VERIFY sends the same file again after a fresh EXPECT', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['foo', '1.0']] });
    h.fs.verifies.push(false);
    const s = h.slave();
    await s.connect();
    await expect(s.built(builtOk([pureWheel]))).resolves.toEqual({ verb: 'SEND', data: pureWheel[0] });
    await expect(s.sent()).resolves.toEqual({ verb: 'SEND', data: pureWheel[0] });
    await expect(s.sent()).resolves.toEqual({ verb: 'DONE' });
    expect(h.fs.calls.map((c) => c.verb)).toEqual(['EXPECT', 'VERIFY', 'EXPECT', 'VERIFY']);
    expect(h.oracle.count('LOGBUILD')).toBe(1);
  });

  test('a File Juggler that refuses EXPECT, or an Oracle that fails LOGBUILD, abandons the build with DONE; its job is built again next, not held for the build timeout', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['foo', '1.0'], ['bar', '1.0']] });
    const s = h.slave();
    h.fs.refuseExpect = true;
    await s.connect();
    await expect(s.built(builtOk([pureWheel]))).resolves.toEqual({ verb: 'DONE' });
    expect(h.errors().some((e) => e.includes('file juggler refused') && e.includes('unsafe filename'))).toBe(true);
    h.fs.refuseExpect = false;
    h.oracle.fail('LOGBUILD');
    await expect(s.idle()).resolves.toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
    await expect(s.built(builtFailed())).resolves.toEqual({ verb: 'DONE' });
    expect(h.errors().some((e) => e.includes('failed to log the build of foo 1.0') && e.includes('LOGBUILD failed'))).toBe(true);
    expect(h.oracle.builds.size).toBe(0);
    expect(h.web.requests).toEqual([]);
    await expect(s.idle()).resolves.toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
    expect(h.messages().filter((m) => m.endsWith('foo 1.0 is back in the cp311 queue'))).toHaveLength(2);
  });

  test('behaviour 58: BYE removes the slave, publishes DIE with NoData and gets no reply', async () => {
    h = await startDriver();
    const s = h.slave();
    await s.hello();
    await s.bye();
    const die = await h.statuses.next((st) => st.data[2] === 'DIE');
    expect(brief(die)).toEqual([1, 'DIE', NO_DATA]);
    await eventually(() => h.driver.slaveIds().length === 0);
    // The same process says HELLO again on a fresh socket: a new slave.
    await expect(s.hello()).resolves.toEqual({ verb: 'ACK', data: [2, PYPI] });
  });

  test('behaviour 59: a slave silent past its busy timeout is dropped with DIE null and a warning naming its build, which goes to the next slave', async () => {
    h = await startDriver();
    await h.queue({ cp311: [['foo', '1.0'], ['bar', '1.0']] });
    const dying = h.slave();
    await expect(dying.connect({ busyTimeoutMs: 1500 })).resolves.toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
    await expect(dying.busy()).resolves.toEqual({ verb: 'CONT' });
    // …and then nothing more: the slave's Pi lost power.
    const die = await h.statuses.next((st) => st.data[2] === 'DIE');
    expect(brief(die)).toEqual([1, 'DIE', null]);
    await eventually(() => h.driver.slaveIds().length === 0);
    expect(h.messages()).toContain('warning slave 1 (pi4-slave): timed out while building foo 1.0');
    expect(h.driver.buildQueues.pending('cp311')).toEqual([['foo', '1.0'], ['bar', '1.0']]);
    const next = h.slave();
    await expect(next.connect()).resolves.toEqual({ verb: 'BUILD', data: ['foo', '1.0'] });
  });

  test('behaviour 59: an idle slave that goes silent is dropped without naming a build', async () => {
    h = await startDriver();
    await h.slave().hello({ busyTimeoutMs: 100 });
    await h.statuses.next((st) => st.data[2] === 'DIE');
    expect(h.messages()).toContain('warning slave 1 (pi4-slave): timed out');
  });

  test('a long busy timeout does not fire early (timers past 24.8 days are capped, not overflowed)', async () => {
    h = await startDriver();
    await h.slave().hello({ busyTimeoutMs: 40 * 24 * 3600 * 1000 });
    await h.slave().hello({ busyTimeoutMs: 100 });
    await h.statuses.next((st) => st.data[2] === 'DIE');
    expect(h.driver.slaveIds()).toEqual([1]);
  });

  test('a stopped Slave Driver forgets its slaves and stops serving its queues', async () => {
    h = await startDriver();
    await h.slave().hello();
    await h.driver.stop();
    expect(h.driver.slaveIds()).toEqual([]);
    expect(h.bus.isServed(queues.skip)).toBe(false);
    expect(h.bus.push(queues.builds, { verb: 'QUEUE', data: {} })).toBe(true); // waits for the next listener
  });
});
