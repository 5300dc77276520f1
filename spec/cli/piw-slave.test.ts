/**
 * piw-slave as a real process (through tsx): options, settings from the environment and the [slave]
 * section, the exit statuses, and whole conversations — with a scripted master, and with the real Slave
 * Driver and File Juggler building from the PyPI stand-in with real pip.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineFacts, type MachineFacts } from '../../actors/slave/machine-facts.js';
import { TimeDelta } from '../../protocols/cbor/index.js';
import type { SlaveHelloWire } from '../../protocols/records.js';
import { PURE } from '../../scripts/pypi-standin/fixtures.js';
import { startPypiStandin, type PypiStandin } from '../../scripts/pypi-standin/server.js';
import { eventually } from '../actors/zmq/support.js';
import { isAlive, waitForFile } from '../actors/slave/helpers/proc.js';
import { TestMaster } from '../actors/slave/client/master.js';
import { hangingProject } from '../actors/slave/client/projects.js';
import { ScriptedMaster } from '../actors/slave/client/scripted-master.js';
import { SilentFileQueue } from '../actors/slave/client/silent-file-queue.js';
import { NotifyListener } from '../../scripts/systemd/notify-listener.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'cli/piw-slave.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let work: string;
let buildDir: string;
let standin: PypiStandin;
let facts: MachineFacts;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'piw-slave-cli-'));
  [standin, facts] = await Promise.all([startPypiStandin(), machineFacts({ python: 'python3' })]);
  await standin.publish(PURE);
});
afterAll(async () => {
  await standin.close();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  buildDir = mkdtempSync(join(work, 'build-'));
});

/** The environment of a slave under test: no configuration files, pip sees only the given index. */
function environment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: work, PIP_CONFIG_FILE: '/dev/null', PIW_ALLOW_ROOT: '1', ...extra };
  for (const [key, value] of Object.entries(extra)) if (value === '') delete env[key];
  return env;
}

/** Starts piw-slave building in this test's build dir. */
function start(args: string[], env: NodeJS.ProcessEnv = environment()): { child: ChildProcess; done: Promise<Run> } {
  return spawnCli(['-d', buildDir, ...args], env);
}

/**
 * tsx's loader inside the slave's own process, as `node dist/cli/piw-slave.js` runs in production; not the
 * `tsx` command, which relays a signal to its child and SIGKILLs it (exit 143) when the child has not
 * acknowledged within 30 ms: a slave busy for longer than that on a loaded machine.
 */
function spawnCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const run = (args: string[], env?: NodeJS.ProcessEnv) => start(args, env).done;

describe('piw-slave: options', () => {
  test('--help lists the manual’s options and ours; --version says 0.18', async () => {
    const help = await spawnCli(['--help'], environment()).done;
    expect(help.code).toBe(0);
    for (const option of ['--master-timeout DURATION', '--transfer-timeout DURATION', '-m,--master HOST', '-t,--timeout DURATION', '-d,--dir DIR', '-L,--label LABEL', '--python PYTHON', '-c,--configuration FILE', '-l,--log-file FILE']) {
      expect(help.stdout).toContain(option);
    }
    const version = await spawnCli(['--version'], environment()).done;
    expect([version.code, version.stdout.trim()]).toEqual([0, '0.18']);
  });

  test.each([
    [['--bogus'], /Command not found[^]*Try the --help option/],
    [['-t', 'banana'], /invalid value for option --timeout: expected a duration such as/],
    [['-t', '0'], /invalid value for option --timeout: expected a duration above zero/],
    [['--master-timeout', '0s'], /invalid value for option --master-timeout: expected a duration above zero/],
    [['--transfer-timeout', 'soon'], /invalid value for option --transfer-timeout: expected a duration such as/],
    [['-d', '/nonexistent/piw-builds'], /invalid value for option --dir: \/nonexistent\/piw-builds is not a directory/],
  ])('bad options %j exit 2 with a clear message', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  test('a bad value from the environment or the [slave] section names where it came from and exits 2', async () => {
    const fromEnv = await run([], environment({ PIW_TIMEOUT: 'soon' }));
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('invalid value for --timeout (from environment variable PIW_TIMEOUT)');
    const config = join(work, 'bad.conf');
    writeFileSync(config, '[slave]\nmaster_timeout = never\n');
    const fromFile = await run(['-c', config]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain(`invalid value for --master-timeout (from ${config} [slave] master_timeout)`);
  });

  (process.geteuid?.() === 0 ? test : test.skip)('behaviour 181: root is refused (exit 1) unless PIW_ALLOW_ROOT=1', async () => {
    const result = await run(['-m', '127.0.0.1'], environment({ PIW_ALLOW_ROOT: '' }));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Slave must not be run as root');
  });
});

describe('piw-slave: against a scripted master', () => {
  let master: ScriptedMaster;
  beforeEach(async () => {
    master = await ScriptedMaster.start();
  });
  afterEach(async () => {
    await master.close();
  });

  test('HELLO carries -t and the label from the [slave] section and the master timeout from the environment; DIE → BYE, exit 0', async () => {
    const config = join(work, 'slave.conf');
    writeFileSync(config, `[slave]\nlabel = from-config\ntimeout = 1d2h\nslave_queue = ${master.address}\n`);
    const slave = start(['-c', config, '-v'], environment({ PIW_MASTER_TIMEOUT: '3:00' }));
    const hello = await master.request(1);
    expect(hello.msg.verb).toBe('HELLO');
    const data = hello.msg.data as SlaveHelloWire;
    expect(data[0]).toEqual(new TimeDelta(1, 7200));
    expect(data[1]).toEqual(new TimeDelta(0, 180));
    expect(data.slice(2, 6)).toEqual([facts.pyVersionTag, facts.abiTag, facts.platformTag, 'from-config']);
    await master.reply(hello, { verb: 'ACK', data: [7, standin.simpleUrl] });
    const idle = await master.request(2);
    expect(idle.msg.verb).toBe('IDLE');
    await master.reply(idle, { verb: 'DIE' });
    const result = await slave.done;
    expect(result.code).toBe(0);
    const bye = await master.request(3);
    expect(bye.msg).toEqual({ verb: 'BYE' });
    expect(bye.peer.equals(hello.peer)).toBe(true);
  });

  test('--transfer-timeout: a transfer the master never answers makes the slave start over at once (no SENT)', async () => {
    const files = await SilentFileQueue.start();
    try {
      const slave = start(['--slave-queue', master.address, '--file-queue', files.address, '--transfer-timeout', '1s', '-v']);
      const hello = await master.request(1);
      await master.reply(hello, { verb: 'ACK', data: [3, standin.simpleUrl] });
      await master.reply(await master.request(2), { verb: 'BUILD', data: ['piw-demo-pure', '1.0'] });
      const { built: request, n: builtAt } = await master.untilBuilt(3);
      let n = builtAt;
      await master.reply(request, { verb: 'SEND', data: request.msg.data[3][0]![0] });
      const again = await master.request(++n);
      expect(again.msg.verb).toBe('HELLO');
      expect(again.peer.equals(hello.peer)).toBe(false);
      expect(files.hellos).toBeGreaterThan(0);
      slave.child.kill('SIGTERM');
      expect((await slave.done).code).toBe(0);
      expect(master.requests.map((r) => r.msg.verb)).not.toContain('SENT');
    } finally {
      await files.close();
    }
  });

  test('behaviour 190: a reply it cannot read → BYE, the reason on stderr, exit 1', async () => {
    const slave = start(['--slave-queue', master.address, '-L', 'doomed']);
    const hello = await master.request(1);
    await master.reply(hello, Buffer.from([0xff, 0xfe, 0xfd]));
    const result = await slave.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unable to deserialize data');
    const bye = await master.request(2);
    expect(bye.msg).toEqual({ verb: 'BYE' });
    expect(bye.peer.equals(hello.peer)).toBe(true);
  });
});

describe('piw-slave: against the Slave Driver and the File Juggler', () => {
  let master: TestMaster;
  beforeEach(async () => {
    master = await TestMaster.start({ pypiSimpleUrl: standin.simpleUrl, abi: facts.abiTag });
  });
  afterEach(async () => {
    await master.close();
  });
  const queueArgs = () => ['--slave-queue', master.slaveQueue, '--file-queue', master.fileQueue];

  test('builds a pure wheel, sends it (same bytes and SHA-256 on the master’s disk), and on SIGTERM says BYE and exits 0', async () => {
    master.queue(facts.abiTag, 'piw-demo-pure', '1.0');
    const slave = start(queueArgs());
    await eventually(() => master.oracle.builds.size === 1 && master.driver!.slaveIds().length === 1);
    const id = master.driver!.slaveIds()[0]!;
    await eventually(() => master.replies(id).includes('DONE'));
    const [, , , , status, , , files] = [...master.oracle.builds.values()][0]!;
    expect(status).toBe(true);
    const [filename, size, hash] = files[0]!;
    const bytes = readFileSync(join(master.output, 'simple', 'piw-demo-pure', filename));
    expect([bytes.length, createHash('sha256').update(bytes).digest('hex')]).toEqual([size, hash]);
    slave.child.kill('SIGTERM');
    const result = await slave.done;
    expect(result.code).toBe(0);
    expect(master.driver!.slaveIds()).toEqual([]);
    expect(readdirSync(buildDir)).toEqual([]);
  });

  test('behaviour 190: SIGTERM mid-build kills the build’s whole process group, removes its dir, says BYE, exits 0', async () => {
    const pidFile = join(work, 'cli-hang.pid');
    await standin.publish(hangingProject('piw-cli-hang', pidFile));
    master.queue(facts.abiTag, 'piw-cli-hang', '1.0');
    const slave = start(queueArgs());
    await waitForFile(pidFile);
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    slave.child.kill('SIGTERM');
    const result = await slave.done;
    expect(result.code).toBe(0);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(readdirSync(buildDir)).toEqual([]);
    expect(master.driver!.slaveIds()).toEqual([]);
    expect(master.driver!.buildQueues.pending(facts.abiTag)).toContainEqual(['piw-cli-hang', '1.0']);
  });
});

describe('piw-slave under systemd (Type=notify)', () => {
  let master: ScriptedMaster;
  beforeEach(async () => {
    master = await ScriptedMaster.start();
  });
  afterEach(async () => {
    await master.close();
  });

  test('STATUS waiting for master, READY at ACK, building, WATCHDOG; SIGTERM mid-job: STOPPING and more time for the build', async () => {
    const listener = await NotifyListener.start(join(buildDir, 'notify'));
    try {
      const slave = start(['--slave-queue', master.address], environment({ NOTIFY_SOCKET: listener.address, WATCHDOG_USEC: '1000000' }));
      const hello = await master.request(1);
      const waiting = await listener.next('STATUS', `waiting for master at ${master.address}`);
      await master.reply(hello, { verb: 'ACK', data: [7, standin.simpleUrl] });
      await master.reply(await master.request(2), { verb: 'BUILD', data: ['piw-demo-pure', '1.0'] });
      const ready = await listener.next('READY');
      expect(ready.assignments.STATUS).toBe('idle (slave 7)');
      expect(listener.received.indexOf(waiting)).toBeLessThan(listener.received.indexOf(ready));
      await listener.next('STATUS', 'building piw-demo-pure 1.0 (slave 7)');
      await listener.next('WATCHDOG', '1');
      await master.untilBuilt(3);
      slave.child.kill('SIGTERM');
      expect((await slave.done).code).toBe(0);
      const stopping = await listener.next('STOPPING', '1');
      expect(stopping.assignments.STATUS).toBe('stopping: SIGTERM');
      // a minute of grace for the build, BYE's five seconds, ten for the rest
      const extend = await listener.next('EXTEND_TIMEOUT_USEC');
      expect(extend.assignments).toEqual({ EXTEND_TIMEOUT_USEC: '75000000', STATUS: 'stopping: SIGTERM; stopping the build' });
      expect(listener.values('READY')).toEqual(['1']);
    } finally {
      listener.close();
    }
  });

  test('a master that does not answer: READY after 10 s anyway, with a STATUS saying the slave is still trying', async () => {
    const listener = await NotifyListener.start();
    try {
      const slave = start(['--slave-queue', master.address], environment({ NOTIFY_SOCKET: listener.address }));
      await master.request(1);
      const ready = await listener.next('READY', '1');
      expect(ready.assignments.STATUS).toBe(`waiting for master at ${master.address} (no answer in 10 s; still trying)`);
      slave.child.kill('SIGTERM');
      expect((await slave.done).code).toBe(0);
      expect((await listener.next('STOPPING')).assignments).toEqual({ STOPPING: '1', STATUS: 'stopping: SIGTERM' });
    } finally {
      listener.close();
    }
  }, 30_000);
});
