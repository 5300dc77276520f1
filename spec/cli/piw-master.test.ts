/**
 * piw-master as a real process (through tsx) on the test PostgreSQL and on the embedded database
 * (behaviours 22–36): it starts, answers a monitor's HELLO on the status PUB, sleeps and wakes, stops on
 * QUIT, SIGTERM and Ctrl+C with 0.18's log lines and exit status 0, keeps a pending rewrite across a
 * restart, refuses a database at another version naming piw-initdb, and shows --debug lines for the tasks
 * matched. Settings come from -c FILE and the environment as well as the command line.
 *
 * The tests run as root in CI: PIW_ALLOW_ROOT=1 is the documented way through (cli/common/root.ts); the
 * refusal itself is tested in piw-master-options.test.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPushAdapter } from '../../actors/zmq/push.js';
import { createSubscriberAdapter } from '../../actors/zmq/pull.js';
import { createRequestClient } from '../../actors/zmq/request.js';
import { memoryLogger } from '../../actors/runtime/logger.js';
import { importerProtocol } from '../../protocols/mr-chase.js';
import { monitorControlProtocol } from '../../protocols/master-control.js';
import { monitorProtocol } from '../../protocols/monitor-stats.js';
import { connect } from '../../schema/connection.js';
import { Database } from '../../schema/database.js';
import { parseDsn } from '../../schema/dsn.js';
import { createServerDatabase, type ServerDatabase } from '../support/postgres.js';
import { tempDir } from '../actors/master/support/world.js';
import { MASTER_READY, masterAddressArgs, spawnMasterIn } from './master-process.js';
import { NotifyListener } from '../../scripts/systemd/notify-listener.js';
import { TASK_ORDER } from '../../actors/master/tasks.js';


let dir: Awaited<ReturnType<typeof tempDir>>;
const children = new Set<ChildProcess>();

beforeEach(async () => {
  dir = await tempDir('piw-master-cli-');
});
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await dir.remove();
});

const ipc = (name: string) => `ipc://${path.join(dir.path, name)}`;

/** Every address in the temp dir or on a free loopback port, PyPI unreachable, the site in the temp dir. */
const addressArgs = () => masterAddressArgs(dir.path);
const spawnMaster = (args: string[], env: NodeJS.ProcessEnv = {}) => spawnMasterIn(dir.path, children, args, env);

/** A monitor on the master's status and control queues. */
function monitor() {
  const statuses: { verb: string; data: unknown }[] = [];
  const log = memoryLogger('monitor');
  const sub = createSubscriberAdapter({ protocol: monitorProtocol, address: ipc('status'), log, target: { send: (e) => statuses.push(e.msg) } });
  const control = createPushAdapter({ protocol: monitorControlProtocol, address: ipc('control') });
  return {
    statuses,
    control,
    /** HELLO until the master's HELLO arrives (the SUB misses what was published before it joined). */
    async hello() {
      while (!statuses.some((s) => s.verb === 'HELLO')) {
        await control.push({ verb: 'HELLO' });
        await new Promise((r) => setTimeout(r, 100));
      }
      return statuses.find((s) => s.verb === 'HELLO')!;
    },
    async close() {
      await sub.close();
      await control.close();
    },
  };
}

const READY = MASTER_READY;

describe('piw-master on PostgreSQL', () => {
  let database: ServerDatabase;
  beforeAll(async () => {
    database = await createServerDatabase('current');
  });
  afterAll(async () => {
    await database.drop();
  });

  test('starts with settings from -c FILE and the environment, answers HELLO, sleeps and wakes, and exits 0 on QUIT', async () => {
    const conf = path.join(dir.path, 'piwheels.conf');
    await writeFile(conf, `[master]\nstatus_queue = ${ipc('status')}\ncontrol_queue = ${ipc('control')}\n`);
    const args = addressArgs().filter((a, i, all) => !['--status-queue', '--control-queue'].includes(a) && !['--status-queue', '--control-queue'].includes(all[i - 1]!));
    const m = spawnMaster(['-v', '-c', conf, ...args], { PIW_MASTER_DSN: database.masterDsn });
    await m.waitFor(READY);
    const mon = monitor();
    const hello = await mon.hello();
    expect((hello.data as unknown[])[1]).toBe((await import('node:os')).hostname());
    await mon.control.push({ verb: 'SLEEP', data: null });
    await m.waitFor(/WARNING master: sleeping all slaves and master[\s\S]*INFO master\.cloud_gazer: paused/);
    await mon.control.push({ verb: 'WAKE', data: null });
    await m.waitFor(/WARNING master: waking all slaves and master[\s\S]*INFO master\.cloud_gazer: resumed/);
    await mon.control.push({ verb: 'QUIT' });
    await mon.close();
    const { code, stderr } = await m.exited;
    expect(code).toBe(0);
    expect(stderr).toContain(`read configuration from ${conf}`);
    expect(stderr).toContain('WARNING master: sending status to new monitor');
    expect(stderr).toContain('WARNING master: shutting down on QUIT message');
    expect(stderr).toMatch(/INFO master: every task stopped\n.*INFO master: closed all queues\n$/);
  });

  test.each([
    ['SIGTERM', 'shutting down on SIGTERM'],
    ['SIGINT', 'shutting down on Ctrl+C'],
  ] as const)('behaviour 26: %s stops every task cleanly, logs "%s" and exits 0', async (signal, line) => {
    const m = spawnMaster(['-v', '-d', database.masterDsn, ...addressArgs()]);
    await m.waitFor(READY);
    m.child.kill(signal);
    const { code, stderr } = await m.exited;
    expect(code).toBe(0);
    expect(stderr).toContain(`WARNING master: ${line}`);
    expect(stderr).toContain('INFO master.the_secretary: saved 0 pending page rewrites');
    expect(stderr).toContain('INFO master: task seraph stopped');
    expect(stderr).toContain('INFO master: closed all queues');
  });

  test('behaviour 136: a pending rewrite is saved at shutdown and written after the next start', async () => {
    const conn = await connect(parseDsn(database.masterDsn), { max: 1 });
    const db = new Database(conn);
    try {
      const first = spawnMaster(['-v', '-d', database.masterDsn, ...addressArgs()]);
      await first.waitFor(READY);
      // piw-add foo: Mr Chase asks the Secretary for its pages, which it holds back for 60 s (a rebuild's
      // REBUILD is written at once instead).
      const tool = createRequestClient({ protocol: importerProtocol, address: ipc('import'), timeoutMs: 10_000 });
      await expect(tool.request({ verb: 'ADDPKG', data: ['foo', 'Foo things', '', false, []] })).resolves.toEqual({ verb: 'DONE', data: 'NEWPKG' });
      await tool.close();
      first.child.kill('SIGTERM');
      const { code, stderr } = await first.exited;
      expect(code).toBe(0);
      expect(stderr).toContain('INFO master.the_secretary: saved 1 pending page rewrites');
      expect((await db.loadRewritesPending()).map(([pkg, , command]) => [pkg, command])).toEqual([['foo', 'BOTH']]);
      const page = path.join(dir.path, 'www', 'project', 'foo', 'index.html');
      await expect(access(page)).rejects.toThrow();

      // --dev-mode holds rewrites for 3 s: the saved one, older than that, is written at once.
      const second = spawnMaster(['-v', '--dev-mode', '-d', database.masterDsn, ...addressArgs()]);
      await second.waitFor(/INFO master\.the_secretary: loaded 1 pending page rewrites/);
      await second.waitFor(READY);
      while (!(await access(page).then(() => true, () => false))) await new Promise((r) => setTimeout(r, 50));
      second.child.kill('SIGINT');
      expect((await second.exited).code).toBe(0);
      expect(await db.loadRewritesPending()).toEqual([]);
    } finally {
      await conn.close();
    }
  });

  test('behaviour 33: --debug PATTERN shows debug lines of the matching tasks only ("<< QUIT None")', async () => {
    const m = spawnMaster(['-d', database.masterDsn, '--debug', 'master.the_scr*', '--debug', 'master.the_architect', ...addressArgs()]);
    await m.waitFor(/DEBUG master.the_architect/);
    const mon = monitor();
    await mon.control.push({ verb: 'QUIT' });
    await mon.close();
    const { code, stderr } = await m.exited;
    expect(code).toBe(0);
    expect(stderr).toContain('DEBUG master.the_scribe: << QUIT None');
    expect(stderr).toContain('DEBUG master.the_architect: << QUIT None');
    expect(stderr).toContain('DEBUG master: << QUIT None');
    expect(stderr).not.toMatch(/DEBUG master\.(the_secretary|slave_driver|cloud_gazer|big_brother)/);
  });

  test('behaviour 34: a database at another version is refused with the piw-initdb command to run, exit status 1', async () => {
    const old = await createServerDatabase('0.18');
    try {
      const { code, stderr } = await spawnMaster(['-d', old.masterDsn, ...addressArgs()]).exited;
      expect(code).toBe(1);
      expect(stderr).toMatch(/ERROR master: Database version \(0\.18\) does not match software version \(\S+\); run piw-initdb -d \S+ to upgrade it/);
    } finally {
      await old.drop();
    }
  });
});

describe('piw-master on the embedded database', () => {
  test('with no DSN it creates its database in the default directory, starts, answers HELLO and stops on QUIT', async () => {
    const data = path.join(dir.path, 'data');
    const m = spawnMaster(['-v', ...addressArgs()], { XDG_DATA_HOME: data });
    await m.waitFor(READY);
    expect(m.stderr()).toContain(`using the embedded database in ${path.join(data, 'piwheels', 'pgdata')}`);
    const mon = monitor();
    await mon.hello();
    await mon.control.push({ verb: 'QUIT' });
    await mon.close();
    const { code } = await m.exited;
    expect(code).toBe(0);
    await access(path.join(data, 'piwheels', 'pgdata', 'PG_VERSION'));
  });
});

describe('piw-master under systemd (Type=notify)', () => {
  let database: ServerDatabase;
  beforeAll(async () => {
    database = await createServerDatabase('current');
  });
  afterAll(async () => {
    await database.drop();
  });

  /** Every queue an ipc socket in the temp dir, so the listener can see which exist when READY comes. */
  const QUEUES = ['status', 'control', 'import', 'log', 'slave', 'file'];
  const ipcArgs = () => [
    ...QUEUES.flatMap((q) => [`--${q}-queue`, ipc(q)]),
    '--pypi-xmlrpc', 'http://127.0.0.1:9/pypi',
    '--pypi-json', 'http://127.0.0.1:9/pypi',
    '-o', path.join(dir.path, 'www'),
  ];

  test('READY only once every socket is bound and every task ready; more time asked per task; WATCHDOG; STATUS with paused; STOPPING on SIGTERM', async () => {
    const sockets = QUEUES.map((q) => path.join(dir.path, q));
    const listener = await NotifyListener.start(undefined, sockets);
    try {
      const m = spawnMaster(['-v', '-d', database.masterDsn, ...ipcArgs()], { NOTIFY_SOCKET: listener.address, WATCHDOG_USEC: '1000000' });
      const ready = await listener.next('READY', '1');
      expect([...ready.sockets].sort()).toEqual([...sockets].sort());
      // Big Brother's first STATS may or may not have come yet.
      expect(ready.assignments.STATUS).toMatch(/^0 slaves \(0 building\)(; 0 builds queued)?$/);
      const starting = listener.received.slice(0, listener.received.indexOf(ready));
      expect(starting.slice(0, 2).map((n) => n.text)).toEqual(['STATUS=opening the database', 'STATUS=binding the status and control queues']);
      // Each task's start is bounded by the supervisor's 10 s; systemd is asked for that and a margin.
      const extensions = starting.filter((n) => 'EXTEND_TIMEOUT_USEC' in n.assignments);
      expect(extensions.map((n) => n.assignments.STATUS)).toEqual(TASK_ORDER.map((id, i) => `starting task ${id} (${i + 1} of ${TASK_ORDER.length})`));
      expect(new Set(extensions.map((n) => n.assignments.EXTEND_TIMEOUT_USEC))).toEqual(new Set(['15000000']));
      await listener.next('WATCHDOG', '1');

      const mon = monitor();
      await mon.control.push({ verb: 'SLEEP', data: null });
      await listener.next('STATUS', /^0 slaves \(0 building\)(; 0 builds queued)?; paused$/);
      await mon.close();

      m.child.kill('SIGTERM');
      expect((await m.exited).code).toBe(0);
      const stopping = listener.received.find((n) => 'STOPPING' in n.assignments)!;
      expect(stopping.assignments.STATUS).toBe('stopping: SIGTERM');
      const stops = listener.received.slice(listener.received.indexOf(stopping)).filter((n) => 'EXTEND_TIMEOUT_USEC' in n.assignments);
      expect(stops.map((n) => n.assignments.STATUS)).toEqual([...TASK_ORDER].reverse().map((id) => `stopping task ${id}`));
      expect(listener.values('STATUS').at(-1)).toBe('stopped');
      expect(listener.values('READY')).toEqual(['1']);
    } finally {
      listener.close();
    }
  });
});
