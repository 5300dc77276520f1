/**
 * What the master tells systemd while it runs: the farm folded from the status queue into one STATUS line
 * (slaves and how many build, builds queued per ABI, paused), sent at most once per interval, after READY.
 * (Start-up and stopping, READY and STOPPING are checked on the real piw-master in spec/cli/piw-master.test.ts.)
 */
import { createActor, toPromise } from 'xstate';
import { FarmSummary, reportMaster } from '../../../actors/master/service-status.js';
import { createBus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import { supervisorMachine } from '../../../actors/runtime/supervisor.js';
import { serviceNotifier } from '../../../actors/systemd/index.js';
import { NO_DATA } from '../../../protocols/index.js';
import { masterStats, slaveHello, TS } from '../../protocols/samples.js';

const slave = (id: number, verb: string, data: unknown) => ({ verb: 'SLAVE', data: [id, TS, verb, data] }) as never;
const stats = (at: Date, pending: Record<string, number>) =>
  ({ verb: 'STATS', data: masterStats.map((x, i) => (i === 0 ? at : i === 5 ? pending : x)) }) as never;

describe('FarmSummary', () => {
  test('counts slaves from HELLO to DIE, those building from BUILD to DONE, and the newest builds queued per ABI', () => {
    const farm = new FarmSummary();
    expect(String(farm)).toBe('0 slaves (0 building)');
    farm.update(slave(1, 'HELLO', slaveHello));
    farm.update(slave(2, 'HELLO', slaveHello));
    farm.update(slave(1, 'BUILD', ['foo', '0.1']));
    farm.update(stats(new Date('2026-01-01T00:00:10Z'), { cp39: 2, cp311: 1200 }));
    expect(String(farm)).toBe('2 slaves (1 building); 1202 builds queued (cp311 1200, cp39 2)');
    // A monitor's HELLO makes Big Brother replay its history and the Slave Driver every slave: nothing changes.
    farm.update(stats(new Date('2026-01-01T00:00:00Z'), { cp311: 9 }));
    farm.update(slave(1, 'HELLO', slaveHello));
    expect(String(farm)).toBe('2 slaves (1 building); 1202 builds queued (cp311 1200, cp39 2)');
    farm.update(slave(1, 'SEND', 'foo-0.1-cp311-cp311-linux_armv7l.whl'));
    farm.update(slave(1, 'DONE', NO_DATA));
    farm.update(slave(2, 'DIE', null));
    farm.paused = true;
    expect(String(farm)).toBe('1 slave (0 building); 1202 builds queued (cp311 1200, cp39 2); paused');
  });
});

test('issue 15: the summary takes only the statuses it counts (a slave\'s every reply is not handed to it)', () => {
  const wanted = ['HELLO', 'BUILD', 'DONE', 'DIE'];
  for (const verb of ['HELLO', 'ACK', 'STATS', 'SLEEP', 'BUILD', 'SEND', 'DONE', 'DIE']) {
    expect([verb, FarmSummary.wants(slave(1, verb, null))]).toEqual([verb, wanted.includes(verb)]);
  }
  expect(FarmSummary.wants(stats(new Date(), {}))).toBe(true);
  expect(FarmSummary.wants({ verb: 'HELLO', data: [] } as never)).toBe(false);
});

describe('reportMaster', () => {
  test('READY when every task is ready, then the farm at most once per interval', async () => {
    const sent: string[] = [];
    const notifier = serviceNotifier({ env: { NOTIFY_SOCKET: '@test' }, send: (s) => sent.push(s) });
    const bus = createBus();
    const root = createActor(supervisorMachine, { input: { tasks: [], log: memoryLogger('master') } });
    const stop = reportMaster(notifier, { root, bus, statusIntervalMs: 50 });
    root.start();
    expect(sent).toEqual(['READY=1\nSTATUS=0 slaves (0 building)']);
    bus.publish(queues.status, slave(1, 'HELLO', slaveHello));
    bus.publish(queues.status, slave(2, 'HELLO', slaveHello));
    bus.publish(queues.status, slave(2, 'BUILD', ['foo', '0.1']));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sent.slice(1)).toEqual(['STATUS=2 slaves (1 building)']);
    root.send({ type: 'PAUSE' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sent.slice(2)).toEqual(['STATUS=2 slaves (1 building); paused']);
    root.send({ type: 'QUIT', reason: 'QUIT message' });
    await toPromise(root);
    expect(sent.slice(3)).toEqual(['STOPPING=1\nSTATUS=stopping: QUIT message', 'STATUS=stopped']);
    stop();
    bus.close();
  });
});
