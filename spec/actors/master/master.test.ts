/**
 * The master's main part in this process (behaviours 24–25, 27–32, 34, 36) on the test PostgreSQL, with
 * its real sockets: the status PUB and control PULL on ipc in a temp dir (a monitor's SUB and PUSH talk to
 * them), the slave and file queues on loopback ports, PyPI unreachable.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as zmq from 'zeromq';
import { Master, MasterStartError, TASK_ORDER, type MasterConfig } from '../../../actors/master/index.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import { createPushAdapter, type Pusher } from '../../../actors/zmq/push.js';
import { createSubscriberAdapter, type Receiver } from '../../../actors/zmq/pull.js';
import { monitorControlProtocol } from '../../../protocols/master-control.js';
import { monitorProtocol } from '../../../protocols/monitor-stats.js';
import type { Message } from '../../../protocols/protocol.js';
import { TimeDelta } from '../../../protocols/index.js';
import type { MasterStatsWire } from '../../../protocols/index.js';
import { createServerDatabase, type ServerDatabase } from '../../support/postgres.js';
import { configIn as configWith, eventually, tempDir } from './support/world.js';

type StatusMessage = Message<(typeof monitorProtocol)['recv']>;

let database: ServerDatabase;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  database = await createServerDatabase('current');
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  dir = await tempDir('piw-master-main-');
});
afterEach(async () => {
  await dir.remove();
});

/** The master's configuration in `root`, on this file's database. */
const configIn = (root: string, over: Partial<MasterConfig> = {}): MasterConfig => configWith(root, { dsn: database.masterDsn, ...over });

/** A started master with a monitor attached: `statuses` collects the PUB's messages, `send` pushes control. */
async function startMaster(over: Partial<MasterConfig> = {}) {
  const log = memoryLogger('master', 'debug');
  const config = configIn(dir.path, over);
  const master = new Master({ config, log });
  await master.start();
  const statuses: StatusMessage[] = [];
  const sub: Receiver = createSubscriberAdapter({ protocol: monitorProtocol, address: config.queues.status, log, target: { send: (e) => statuses.push(e.msg) } });
  const control: Pusher<(typeof monitorControlProtocol)['send']> = createPushAdapter({ protocol: monitorControlProtocol, address: config.queues.control });
  const lines = (name = 'master', level?: string) => log.entries.filter((e) => e.name === name && (level === undefined || e.level === level)).map((e) => e.message);
  /** Says HELLO until the master's HELLO comes back (a SUB misses what is published before it joined). */
  const hello = async () => {
    while (!statuses.some((m) => m.verb === 'HELLO')) {
      await control.push({ verb: 'HELLO' });
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const stop = async () => {
    await control.push({ verb: 'QUIT' });
    const outcome = await master.done;
    await sub.close();
    await control.close();
    return outcome;
  };
  return { master, config, log, statuses, control, lines, hello, stop };
}

const stats = (newLastHour: number): MasterStatsWire => [new Date(), 1, {}, new TimeDelta(0, 5), 2, {}, newLastHour, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0.5, 45.5];

describe('the master', () => {
  test('behaviours 24, 25: starts every task in 0.18\'s order, and QUIT stops them in reverse', async () => {
    const m = await startMaster();
    const started = m.lines().filter((l) => l.startsWith('starting task ')).map((l) => l.slice('starting task '.length));
    expect(started).toEqual([...TASK_ORDER]);
    expect(m.lines()).toContain('all tasks ready');
    expect(m.master.endpoints.slave).toMatch(/^tcp:\/\/.*:\d+$/);
    await expect(m.stop()).resolves.toMatchObject({ failed: false });
    const stopped = m.lines().filter((l) => l.startsWith('stopping task ')).map((l) => l.slice('stopping task '.length));
    expect(stopped).toEqual([...TASK_ORDER].reverse());
    expect(m.lines()).toContain('shutting down on QUIT message');
    expect(m.lines().at(-1)).toBe('closed all queues');
  });

  test('behaviour 36: the ipc control and status socket files are group-writable', async () => {
    const m = await startMaster();
    for (const name of ['control', 'status']) expect((await stat(path.join(dir.path, name))).mode & 0o020).toBe(0o020);
    await m.stop();
  });

  test('behaviour 32: HELLO logs "sending status to new monitor", publishes the master HELLO, then Big Brother replays its stats', async () => {
    const m = await startMaster();
    await m.hello();
    expect(m.lines('master', 'warning')).toContain('sending status to new monitor');
    const hello = m.statuses.find((s) => s.verb === 'HELLO')!;
    expect(hello.data[1]).toBe((await import('node:os')).hostname());
    expect(hello.data[0]).toBeInstanceOf(Date);
    const after = () => m.statuses.slice(m.statuses.indexOf(hello) + 1);
    await eventually(() => after().some((s) => s.verb === 'STATS'));
    expect(after().every((s) => s.verb === 'STATS' || s.verb === 'HELLO')).toBe(true);
    expect(m.lines('master.big_brother', 'debug')).toContain('<< STATS');
    expect(m.lines('master.slave_driver', 'debug')).toContain('<< HELLO');
    await m.stop();
  });

  test('behaviour 28: every message on the internal status queue is re-published unchanged on the PUB socket', async () => {
    const m = await startMaster();
    await m.hello();
    const mine = stats(83);
    m.master.bus!.publish(queues.status, { verb: 'STATS', data: mine });
    await eventually(() => m.statuses.some((s) => s.verb === 'STATS' && s.data[6] === 83));
    expect(m.statuses.find((s) => s.verb === 'STATS' && s.data[6] === 83)!.data).toEqual(mine);
    await m.stop();
  });

  test('behaviours 29, 30: KILL, SKIP, SLEEP and WAKE with an id go to the Slave Driver; KILL / SKIP null log for all slaves', async () => {
    const m = await startMaster();
    await m.control.push({ verb: 'KILL', data: 3 });
    await m.control.push({ verb: 'SKIP', data: 4 });
    await m.control.push({ verb: 'SLEEP', data: 5 });
    await m.control.push({ verb: 'WAKE', data: 5 });
    await m.control.push({ verb: 'KILL', data: null });
    await m.control.push({ verb: 'SKIP', data: null });
    const driver = () => m.lines('master.slave_driver', 'debug').filter((l) => l.startsWith('<<'));
    await eventually(() => driver().length === 6);
    expect(driver()).toEqual(['<< KILL 3', '<< SKIP 4', '<< SLEEP 5', '<< WAKE 5', '<< KILL null', '<< SKIP null']);
    expect(m.lines('master', 'warning')).toEqual(
      expect.arrayContaining(['killing slave 3', 'skipping slave 4', 'sleeping slave 5', 'waking slave 5', 'killing all slaves', 'skipping all slaves']),
    );
    expect(m.lines('master', 'debug')).toEqual(expect.arrayContaining(['<< KILL 3', '<< KILL None']));
    expect(m.lines('master.the_scribe').filter((l) => l === 'paused')).toEqual([]);
    await m.stop();
  });

  test('behaviour 31: SLEEP null pauses every task and flags the slaves; WAKE null resumes them', async () => {
    const m = await startMaster();
    await m.control.push({ verb: 'SLEEP', data: null });
    const pausers = TASK_ORDER.filter((id) => !['seraph', 'file_juggler'].includes(id));
    await eventually(() => pausers.every((id) => m.lines(`master.${id}`).includes('paused')));
    expect(m.lines('master', 'warning')).toContain('sleeping all slaves and master');
    expect(m.lines('master.seraph')).toContain('ignoring PAUSE (this task never pauses)');
    expect(m.lines('master.slave_driver', 'debug')).toContain('<< SLEEP null');
    await m.control.push({ verb: 'WAKE', data: null });
    await eventually(() => pausers.every((id) => m.lines(`master.${id}`).includes('resumed')));
    expect(m.lines('master', 'warning')).toContain('waking all slaves and master');
    await m.stop();
  });

  test('behaviour 27: a garbage control frame is logged "unable to deserialize data" and ignored', async () => {
    const m = await startMaster();
    const raw = new zmq.Push({ linger: 1000 });
    raw.connect(m.config.queues.control);
    await raw.send(Buffer.from([0xff, 0x00, 0x13]));
    raw.close();
    await eventually(() => m.lines('master', 'error').includes('unable to deserialize data'));
    await expect(m.stop()).resolves.toMatchObject({ failed: false });
  });

  test('a task that cannot start (its address taken) aborts start-up: the started tasks are stopped and start() rejects', async () => {
    const blocker = new zmq.Router();
    await blocker.bind('tcp://127.0.0.1:*');
    const taken = blocker.lastEndpoint!;
    try {
      const log = memoryLogger('master', 'debug');
      const master = new Master({ config: configIn(dir.path, { queues: { ...configIn(dir.path).queues, slave: taken } }), log });
      await expect(master.start()).rejects.toBeInstanceOf(MasterStartError);
      await expect(master.done).resolves.toMatchObject({ failed: true, reason: 'task slave_driver failed to start' });
      const stopped = log.entries.filter((e) => e.name === 'master' && e.message.startsWith('stopping task ')).map((e) => e.message.slice(14));
      expect(stopped).toEqual(['file_juggler', 'big_brother', 'the_secretary', 'the_scribe', 'lumberjack', 'seraph']);
      // Everything was released: a master can start on the same sockets and database straight away.
      const again = await startMaster();
      await again.stop();
    } finally {
      blocker.close();
    }
  });

  test('a status or control address that cannot be bound is refused naming the option, and what was opened is released', async () => {
    const config = configIn(dir.path);
    const master = new Master({ config: { ...config, queues: { ...config.queues, control: `ipc://${path.join(dir.path, 'missing', 'control')}` } }, log: memoryLogger('master') });
    await expect(master.start()).rejects.toThrow(/^the master did not start: unable to bind the control queue \(--control-queue\) to ipc:\/\/.*\/missing\/control: /);
    await expect(master.done).resolves.toMatchObject({ failed: true });
    const again = await startMaster();
    await again.stop();
  });

  test('behaviour 34: a database at another version refuses to start, naming piw-initdb', async () => {
    const old = await createServerDatabase('0.18');
    try {
      const master = new Master({ config: configIn(dir.path, { dsn: old.masterDsn }), log: memoryLogger('master') });
      await expect(master.start()).rejects.toThrow(/Database version \(0\.18\) does not match software version \(.+\); run piw-initdb -d .+ to upgrade it/);
      await expect(master.done).resolves.toMatchObject({ failed: true });
    } finally {
      await old.drop();
    }
  });

  test('a QUIT that comes while the master is starting stops it as soon as it can, cleanly', async () => {
    const log = memoryLogger('master', 'debug');
    const master = new Master({ config: configIn(dir.path), log });
    const starting = master.start();
    master.quit('test');
    await starting;
    await expect(master.done).resolves.toMatchObject({ failed: false, reason: 'test' });
    expect(log.entries.filter((e) => e.name === 'master' && e.message.startsWith('starting task '))).toHaveLength(1);
  });
});
