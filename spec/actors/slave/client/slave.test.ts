/**
 * The slave actor against the real master side — the Slave Driver and the File Juggler over ipc://, the
 * in-memory Oracle and Secretary — building real sdists from the PyPI stand-in with real pip
 * (behaviours 181–192, A.3). The 5–10 s pauses are shortened; nothing here waits on a clock.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../../../actors/runtime/logger.js';
import { runSlave, type SlaveOptions, type SlaveOutcome } from '../../../../actors/slave/client/slave.js';
import { machineFacts, type MachineFacts } from '../../../../actors/slave/machine-facts.js';
import { encodeCbor } from '../../../../protocols/cbor/index.js';
import { BROKEN, CEXT, PURE } from '../../../../scripts/pypi-standin/fixtures.js';
import { startPypiStandin, type PypiStandin } from '../../../../scripts/pypi-standin/server.js';
import { eventually } from '../../zmq/support.js';
import { isAlive, waitForFile } from '../helpers/proc.js';
import { TestMaster } from './master.js';
import { hangingProject } from './projects.js';
import { ScriptedMaster } from './scripted-master.js';
import { SilentFileQueue } from './silent-file-queue.js';

let standin: PypiStandin;
let facts: MachineFacts;
let work: string;
const env = { ...process.env, PIP_CONFIG_FILE: '/dev/null' };

beforeAll(async () => {
  [standin, facts] = await Promise.all([startPypiStandin(), machineFacts({ python: 'python3' })]);
  work = mkdtempSync(join(tmpdir(), 'piw-slave-test-'));
  await Promise.all([standin.publish(PURE), standin.publish(CEXT), standin.publish(BROKEN)]);
});
afterAll(async () => {
  await standin.close();
  rmSync(work, { recursive: true, force: true });
});

interface Running {
  done: Promise<SlaveOutcome>;
  stop: AbortController;
  log: ReturnType<typeof memoryLogger>;
  buildDir: string;
}

let counter = 0;

function start(queues: { slaveQueue: string; fileQueue: string }, options: Partial<SlaveOptions> = {}): Running {
  const buildDir = join(work, `build-${++counter}`);
  mkdirSync(buildDir);
  const log = memoryLogger('slave', 'debug');
  const stop = new AbortController();
  const done = runSlave({
    ...queues,
    buildDir,
    buildTimeoutMs: 3 * 3_600_000,
    masterTimeoutMs: 60_000,
    label: `test-slave-${counter}`,
    python: 'python3',
    facts,
    log,
    env,
    signal: stop.signal,
    pauseMs: () => 20,
    ...options,
  });
  return { done, stop, log, buildDir };
}

/** The id the Slave Driver gave the (only) slave. */
async function slaveId(master: TestMaster): Promise<number> {
  await eventually(() => master.driver!.slaveIds().length === 1);
  return master.driver!.slaveIds()[0]!;
}

/** KILL → DIE at the next IDLE → BYE: the slave ends with 'dismissed' and the driver forgets it. */
async function kill(master: TestMaster, id: number, slave: Running): Promise<void> {
  master.driver!.control({ verb: 'KILL', data: id });
  await expect(slave.done).resolves.toEqual({ reason: 'dismissed' });
  await eventually(() => master.driver!.slaveIds().length === 0);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('the slave against the Slave Driver and the File Juggler', () => {
  let master: TestMaster;
  beforeEach(async () => {
    master = await TestMaster.start({ pypiSimpleUrl: standin.simpleUrl, abi: facts.abiTag });
  });
  afterEach(async () => {
    await master.close();
  });

  test('behaviours 182–188: SLEEP then IDLE again; a pure wheel built, sent and verified byte for byte; DIE → BYE', async () => {
    const slave = start(master);
    const id = await slaveId(master);
    // Nothing to build: SLEEP, a pause, IDLE again (behaviour 184).
    await eventually(() => master.replies(id).filter((r) => r === 'SLEEP').length >= 2);
    const hello = master.statuses.find((s) => s.data[2] === 'HELLO')!.data[3] as unknown[];
    expect(hello.slice(2, 6)).toEqual([facts.pyVersionTag, facts.abiTag, facts.platformTag, 'test-slave-1']);

    master.queue(facts.abiTag, 'piw-demo-pure', '1.0');
    await eventually(() => master.oracle.builds.size === 1 && master.replies(id).includes('DONE'));
    const [build] = [...master.oracle.builds.values()];
    const [, pkg, version, abi, status, , output, files] = build!;
    expect([pkg, version, abi, status]).toEqual(['piw-demo-pure', '1.0', facts.abiTag, true]);
    expect(output).toContain('piw-demo-pure==1.0'); // pip's whole log
    expect(files).toHaveLength(1);
    const [filename, size, hash, , , , , , deps] = files[0]!;
    expect(filename).toBe('piw_demo_pure-1.0-py3-none-any.whl');
    expect(deps).toEqual({});
    const bytes = readFileSync(join(master.output, 'simple', 'piw-demo-pure', filename));
    expect(bytes.length).toBe(size);
    expect(sha256(bytes)).toBe(hash);
    expect(master.replies(id)).toEqual(expect.arrayContaining(['ACK', 'BUILD', 'SEND', 'DONE']));

    // DONE removed the build's temp dir (behaviour 188).
    await eventually(() => readdirSync(slave.buildDir).length === 0);
    await kill(master, id, slave);
    expect(master.errors()).toEqual([]);
    expect(slave.log.entries.filter((e) => e.level === 'error')).toEqual([]);
  });

  test('a C-extension wheel is reported with its apt dependencies and lands on the master', async () => {
    master.queue(facts.abiTag, 'piw-demo-cext', '1.0');
    const slave = start(master);
    const id = await slaveId(master);
    await eventually(() => master.oracle.builds.size === 1 && master.replies(id).includes('DONE'));
    const [, , , , status, , , files] = [...master.oracle.builds.values()][0]!;
    expect(status).toBe(true);
    const [filename, size, hash, , , pyTag, abiTag, platform, deps] = files[0]!;
    expect([pyTag, abiTag, platform]).toEqual([`cp${facts.pyVersionTag}`, facts.abiTag, facts.platformTag]);
    expect(deps).toEqual({ apt: ['libc6'] });
    const bytes = readFileSync(join(master.output, 'simple', 'piw-demo-cext', filename));
    expect([bytes.length, sha256(bytes)]).toEqual([size, hash]);
    await kill(master, id, slave);
  });

  test('behaviour 195: a failing build is reported with its full log and no files; nothing is sent', async () => {
    master.queue(facts.abiTag, 'piw-demo-broken', '1.0');
    const slave = start(master);
    const id = await slaveId(master);
    await eventually(() => master.oracle.builds.size === 1 && master.replies(id).includes('DONE'));
    const [, , , , status, , output, files] = [...master.oracle.builds.values()][0]!;
    expect(status).toBe(false);
    expect(files).toEqual([]);
    expect(output).toContain('broken on purpose');
    expect(output).toContain('Failed to build');
    expect(output).toContain('piw-demo-broken==1.0');
    expect(master.replies(id)).not.toContain('SEND');
    expect(existsSync(join(master.output, 'simple', 'piw-demo-broken'))).toBe(false);
    await eventually(() => readdirSync(slave.buildDir).length === 0);
    await kill(master, id, slave);
  });

  test('-t is enforced: a build that hangs is killed with its whole process group and reported failed', async () => {
    const pidFile = join(work, 'hang-t.pid');
    await standin.publish(hangingProject('piw-hang-t', pidFile));
    master.queue(facts.abiTag, 'piw-hang-t', '1.0');
    const slave = start(master, { buildTimeoutMs: 5000 });
    const id = await slaveId(master);
    await eventually(() => master.oracle.builds.size === 1);
    const [, pkg, , , status, duration, output, files] = [...master.oracle.builds.values()][0]!;
    expect([pkg, status, files]).toEqual(['piw-hang-t', false, []]);
    expect(output.endsWith('\nbuild timed out after 5 s; its process group was terminated')).toBe(true);
    expect(duration.totalSeconds).toBeGreaterThanOrEqual(5);
    // The backend (pip's grandchild) and its own child went with pip, if the build got that far.
    if (existsSync(pidFile)) for (const pid of readFileSync(pidFile, 'utf8').split(' ').map(Number)) expect(isAlive(pid)).toBe(false);
    await kill(master, id, slave);
  });

  test('behaviour 188: DONE while building (the monitor’s SKIP) stops the build and its group, cleans up, and IDLEs again', async () => {
    const pidFile = join(work, 'hang-skip.pid');
    await standin.publish(hangingProject('piw-hang-skip', pidFile));
    master.queue(facts.abiTag, 'piw-hang-skip', '1.0');
    const slave = start(master);
    const id = await slaveId(master);
    await waitForFile(pidFile);
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    master.driver!.control({ verb: 'SKIP', data: id });
    await eventually(() => master.replies(id).includes('DONE') && master.replies(id).at(-1) === 'SLEEP');
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(slave.buildDir)).toEqual([]);
    expect(master.oracle.builds.size).toBe(0); // a skipped build is not recorded (behaviour 50)
    await kill(master, id, slave);
  });

  test('behaviour 190: a stop request (SIGTERM) mid-build kills the build’s group, removes its dir and says BYE', async () => {
    const pidFile = join(work, 'hang-term.pid');
    await standin.publish(hangingProject('piw-hang-term', pidFile));
    master.queue(facts.abiTag, 'piw-hang-term', '1.0');
    const slave = start(master);
    await slaveId(master);
    await waitForFile(pidFile);
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    slave.stop.abort('SIGTERM');
    await expect(slave.done).resolves.toEqual({ reason: 'stopped' });
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(slave.buildDir)).toEqual([]);
    // BYE: the driver forgets the slave (long before its busy timeout) and puts its job back in the queue.
    await eventually(() => master.driver!.slaveIds().length === 0);
    expect(master.driver!.buildQueues.pending(facts.abiTag)).toContainEqual(['piw-hang-term', '1.0']);
  });

  test('behaviour 191: a master that falls silent is given up; the slave starts over with HELLO on a new connection', async () => {
    const slave = start(master, { masterTimeoutMs: 500 });
    await slaveId(master);
    // The master restarts: the slave's next IDLE is never answered (the new driver does not know its peer).
    await master.stopDriver();
    await master.startDriver();
    const id = await slaveId(master);
    expect(master.statuses.filter((s) => s.data[2] === 'HELLO')).toHaveLength(2);
    expect(slave.log.entries.map((e) => e.message)).toContain('Timed out waiting for master');
    await kill(master, id, slave);
  });
});

describe('the slave against a scripted master', () => {
  let master: ScriptedMaster;
  beforeEach(async () => {
    master = await ScriptedMaster.start();
  });
  afterEach(async () => {
    await master.close();
  });
  const queues = () => ({ slaveQueue: master.address, fileQueue: `${master.address}-files` });

  test('behaviour 191: no reply within the master timeout → a fresh HELLO from a new peer', async () => {
    const slave = start(queues(), { masterTimeoutMs: 200 });
    const hello = await master.request(1);
    expect(hello.msg.verb).toBe('HELLO');
    await master.reply(hello, { verb: 'ACK', data: [1, standin.simpleUrl] });
    expect((await master.request(2)).msg.verb).toBe('IDLE'); // never answered
    const again = await master.request(3);
    expect(again.msg.verb).toBe('HELLO');
    expect(again.peer.equals(hello.peer)).toBe(false);
    await master.reply(again, { verb: 'ACK', data: [2, standin.simpleUrl] });
    await master.reply(await master.request(4), { verb: 'DIE' });
    await expect(slave.done).resolves.toEqual({ reason: 'dismissed' });
    const bye = await master.request(5);
    expect(bye.msg).toEqual({ verb: 'BYE' });
    expect(bye.peer.equals(again.peer)).toBe(true);
    expect(slave.log.entries.map((e) => e.message)).toContain('Timed out waiting for master');
  });

  test('a master that restarted mid-transfer (its file queue silent): no SENT; HELLO at once on a new connection', async () => {
    const files = await SilentFileQueue.start();
    try {
      const slave = start({ slaveQueue: master.address, fileQueue: files.address }, { transferTimeoutMs: 400 });
      const hello = await master.request(1);
      await master.reply(hello, { verb: 'ACK', data: [1, standin.simpleUrl] });
      await master.reply(await master.request(2), { verb: 'BUILD', data: ['piw-demo-pure', '1.0'] });
      const { built: request, n: builtAt } = await master.untilBuilt(3);
      let n = builtAt;
      const [status, , , built] = request.msg.data;
      expect(status).toBe(true);
      await master.reply(request, { verb: 'SEND', data: built[0]![0] });

      // The transfer says HELLO and hears nothing; the slave gives the master up and starts over.
      const again = await master.request(++n);
      expect(again.msg.verb).toBe('HELLO');
      expect(again.peer.equals(hello.peer)).toBe(false);
      expect(files.messages[0]).toEqual(['HELLO', '1']);
      expect(slave.log.entries.map((e) => e.message)).toContainEqual(expect.stringMatching(/^Transfer of piw_demo_pure-1\.0-py3-none-any\.whl failed: .*; the master has gone, starting over$/));
      // The build and its wheel went with the old connection.
      await eventually(() => readdirSync(slave.buildDir).length === 0);

      await master.reply(again, { verb: 'ACK', data: [2, standin.simpleUrl] });
      await master.reply(await master.request(++n), { verb: 'DIE' });
      await expect(slave.done).resolves.toEqual({ reason: 'dismissed' });
      expect((await master.request(++n)).msg).toEqual({ verb: 'BYE' });
      expect(master.requests.map((r) => r.msg.verb)).not.toContain('SENT');
    } finally {
      await files.close();
    }
  });

  test('behaviour 190: a reply that cannot be read is fatal: BYE, then a typed error', async () => {
    const slave = start(queues());
    const hello = await master.request(1);
    await master.reply(hello, { verb: 'ACK', data: [1, standin.simpleUrl] });
    await master.reply(await master.request(2), encodeCbor(['BUILD', 'not a list']));
    await expect(slave.done).rejects.toMatchObject({ message: expect.stringContaining('invalid data for BUILD') });
    const bye = await master.request(3);
    expect(bye.msg).toEqual({ verb: 'BYE' });
    expect(bye.peer.equals(hello.peer)).toBe(true);
  });

  test('behaviour 192: a valid reply out of order (SEND before any build) is fatal: BYE, then a typed error', async () => {
    const slave = start(queues());
    const hello = await master.request(1);
    await master.reply(hello, { verb: 'SEND', data: 'foo-1.0-py3-none-any.whl' });
    await expect(slave.done).rejects.toMatchObject({ code: expect.stringMatching(/^PIW_ERR_/) });
    expect((await master.request(2)).msg).toEqual({ verb: 'BYE' });
  });
});
