/**
 * The Slave Driver as a task under the root supervisor (behaviours 18, 43): a pausing task keeps serving
 * slaves and its queues while paused, and every IDLE meanwhile is answered SLEEP true.
 */
import { createActor, toPromise, waitFor } from 'xstate';
import { liveActors } from '../../../actors/runtime/actor-tree.js';
import { createBus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import { supervisorMachine } from '../../../actors/runtime/supervisor.js';
import { SlaveDriver, slaveDriverTask, slaveIdCounter } from '../../../actors/slave-driver/index.js';
import { eventually } from '../zmq/support.js';
import { FakeFileJuggler, FakeOracle, FakeSecretary } from './support/fakes.js';
import { RawPeer, TestSlave } from './support/harness.js';

async function master() {
  const bus = createBus();
  const log = memoryLogger('master');
  const oracle = new FakeOracle(bus, ['cp311']);
  new FakeFileJuggler(bus);
  new FakeSecretary(bus);
  let endpoint = '';
  const root = createActor(supervisorMachine, {
    input: {
      log,
      tasks: [
        {
          id: 'slave_driver',
          logic: slaveDriverTask,
          input: { bus, address: 'tcp://127.0.0.1:*', log: log.child('slave_driver'), onListening: (e: string) => (endpoint = e) },
        },
      ],
    },
  });
  root.start();
  await waitFor(root, (s) => s.matches('running'));
  return { bus, log, oracle, root, endpoint };
}

describe('slave driver task', () => {
  test('behaviours 18, 43: paused, it answers IDLE with SLEEP true and still serves deletions and refreshes; resumed, it dispatches', async () => {
    const { bus, log, oracle, root, endpoint } = await master();
    const [old, late] = [new TestSlave(endpoint), new TestSlave(endpoint)];
    try {
      expect(log.entries.map((e) => e.message)).toContain(`listening for slaves on ${endpoint}`);
      await old.hello();
      root.send({ type: 'PAUSE' });
      await eventually(() => log.entries.some((e) => e.name === 'master.slave_driver' && e.message === 'paused'));
      await expect(old.idle()).resolves.toEqual({ verb: 'SLEEP', data: true });
      // A slave that arrives during the pause sleeps too.
      await expect(late.connect()).resolves.toEqual({ verb: 'SLEEP', data: true });
      bus.push(queues.builds, { verb: 'QUEUE', data: { cp311: [['a', '1.0'], ['b', '1.0']] } });
      await eventually(() => oracle.count('GETABIS') === 1);
      await expect(bus.request(queues.skip, { verb: 'DELVER', data: ['a', '1.0'] })).resolves.toEqual({ verb: 'OK' });
      root.send({ type: 'RESUME' });
      await eventually(() => log.entries.some((e) => e.name === 'master.slave_driver' && e.message === 'resumed'));
      await expect(old.idle()).resolves.toEqual({ verb: 'BUILD', data: ['b', '1.0'] });
      await expect(late.idle()).resolves.toEqual({ verb: 'SLEEP', data: false });
    } finally {
      await old.close();
      await late.close();
      root.send({ type: 'QUIT' });
      await toPromise(root);
    }
    expect(bus.isServed(queues.skip)).toBe(false);
  });

  test('each slave is a session of the master\'s actor system, under slave_driver → sessions; QUIT stops them', async () => {
    const { root, endpoint, log } = await master();
    const [a, b] = [new TestSlave(endpoint), new TestSlave(endpoint)];
    const stranger = new RawPeer(endpoint);
    const sessions = () =>
      liveActors(root)
        .filter((x) => x.path[0] === 'slave_driver' && x.path[1] === 'sessions' && x.path.length === 3)
        .map((x) => x.ref);
    try {
      await a.hello();
      await b.hello();
      // A stranger's first message is rejected by its session, which ends at once: it never shows.
      await stranger.send({ verb: 'IDLE', data: [new Date(), 1, 1, 1, 1, 1, 1, 0.5, 40] });
      await eventually(() => log.entries.some((e) => e.message === 'invalid first message from slave: IDLE'));
      expect(sessions().map((r) => r.getSnapshot().context.slaveId)).toEqual([1, 2]);
      expect(sessions().map((r) => r.id)).toEqual(sessions().map((r) => `slave:${r.getSnapshot().context.config.peer}`));
      await b.bye();
      await eventually(() => sessions().length === 1);
      const left = sessions()[0]!;
      root.send({ type: 'QUIT' });
      await toPromise(root);
      expect(left.getSnapshot().status).toBe('stopped');
      expect(liveActors(root)).toEqual([]);
    } finally {
      stranger.close();
      await a.close();
      await b.close();
      root.send({ type: 'QUIT' });
    }
  });

  test('behaviour 37: a Slave Driver restarted with the master\'s id counter carries on numbering', async () => {
    const bus = createBus();
    const log = memoryLogger('master.slave_driver');
    const slaveIds = slaveIdCounter();
    for (const expected of [1, 2]) {
      const driver = await SlaveDriver.start({ bus, log, address: 'tcp://127.0.0.1:*', slaveIds });
      const s = new TestSlave(driver.endpoint);
      await expect(s.hello()).resolves.toEqual({ verb: 'ACK', data: [expected, 'https://pypi.org/simple'] });
      await s.close();
      await driver.stop();
    }
    bus.close();
  });

  test('a task whose socket cannot be bound fails to start and releases the queues it took', async () => {
    const bus = createBus();
    const log = memoryLogger('master');
    const first = await SlaveDriver.start({ bus, log, address: 'tcp://127.0.0.1:*' });
    try {
      await expect(SlaveDriver.start({ bus, log, address: first.endpoint })).rejects.toThrow();
      await expect(SlaveDriver.start({ bus, log, address: 'tcp://127.0.0.1:*' })).rejects.toMatchObject({ code: 'PIW_ERR_BUS_ALREADY_SERVED' });
      expect(bus.isServed(queues.skip)).toBe(true);
    } finally {
      await first.stop();
    }
    const again = await SlaveDriver.start({ bus, log, address: 'tcp://127.0.0.1:*' });
    await again.stop();
    bus.close();
  });
});
