/**
 * piw-master's options in this process (behaviours 22, 23, and bad input): --help and --version, each bad
 * option or setting refused with a clear message and exit status 2 before anything starts, the root
 * refusal (exit 1) and its PIW_ALLOW_ROOT override, and the helpers behind --debug and --max-file-size.
 */
import path from 'node:path';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fnmatch } from '../../cli/master/fnmatch.js';
import { joinInspectValue, MasterCommand, masterConfig, parseSize } from '../../cli/master/command.js';
import type { MasterConfig } from '../../actors/master/config.js';
import { DEFAULT_IPC_DIR, ipcAddress } from '../../actors/ipc/index.js';
import type { Logger } from '../../actors/runtime/logger.js';
import { run } from './common/harness.js';

let testEnv: NodeJS.ProcessEnv = {};
let euid = 1000;

/** The command with the test's environment and user id. */
class TestMasterCommand extends MasterCommand {
  protected override environment(): NodeJS.ProcessEnv {
    return testEnv;
  }
  protected override euid(): number {
    return euid;
  }
}

/** The command up to the master's configuration, which it keeps instead of starting a master. */
class ConfigOnlyCommand extends TestMasterCommand {
  static config: MasterConfig | undefined;
  override async main(s: Parameters<MasterCommand['main']>[0], _log: Logger): Promise<number> {
    ConfigOnlyCommand.config = masterConfig(s);
    return 0;
  }
}

async function configOf(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<MasterConfig> {
  testEnv = env;
  ConfigOnlyCommand.config = undefined;
  const r = await run(ConfigOnlyCommand, argv);
  expect(r.stderr).not.toMatch(/ERROR|invalid/);
  expect(r.code).toBe(0);
  return ConfigOnlyCommand.config!;
}

let dir: string;
let home: string | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-master-opts-'));
  testEnv = {};
  euid = 1000;
  home = process.env.HOME;
  process.env.HOME = dir; // no ~/.config/piwheels/piwheels.conf of the machine's
});
afterEach(async () => {
  process.env.HOME = home;
  await rm(dir, { recursive: true, force: true });
});

test('behaviour 23: --help lists the manual\'s options; --version prints 0.18', async () => {
  const help = await run(TestMasterCommand, ['--help']);
  expect(help.code).toBe(0);
  for (const option of ['--pypi-xmlrpc URL', '--pypi-simple URL', '--pypi-json URL', '-d,--dsn DSN', '-o,--output-path PATH', '--dev-mode', '--debug PATTERN', '--status-queue ADDR', '--control-queue ADDR', '--import-queue ADDR', '--log-queue ADDR', '--slave-queue ADDR', '--file-queue ADDR', '--web-queue ADDR', '--builds-queue ADDR', '--db-queue ADDR', '--fs-queue ADDR', '--stats-queue ADDR']) {
    expect(help.stdout).toContain(option);
  }
  expect(await run(TestMasterCommand, ['--version'])).toMatchObject({ code: 0, stdout: '0.18\n' });
});

test.each([
  [['--oracles', '0'], 'invalid value for option --oracles: expected at least 1'],
  [['--oracles', 'many'], 'invalid value for option --oracles: expected a whole number'],
  [['--slave-queue', 'localhost:5555'], 'invalid value for option --slave-queue: expected a tcp:// or ipc:// address'],
  [['--db-queue', 'tcp://*:6000'], "invalid value for option --db-queue: expected an inproc:// address (the master's internal queues run in-process)"],
  [['--pypi-xmlrpc', 'ftp://pypi.org/pypi'], 'invalid value for option --pypi-xmlrpc: expected an http:// or https:// URL'],
  [['--max-file-size', '12X'], 'invalid value for option --max-file-size: expected a size in bytes, or with a suffix K, M, G or T (e.g. 2G)'],
  [['--dsn', 'mysql://localhost/piwheels'], 'invalid value for option --dsn: Invalid DSN mysql://localhost/piwheels'],
  [['--dev-mode=maybe'], 'dev-mode'],
  [['--pypi-hold=-1'], 'invalid value for option --pypi-hold: expected a whole number of seconds (at most a day)'],
  [['--rewrite-delay', 'soon'], 'invalid value for option --rewrite-delay: expected a whole number of seconds (at most a day)'],
])('a bad option %j is refused with exit status 2 and says why', async (argv, message) => {
  const r = await run(TestMasterCommand, argv);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(message);
  expect(r.stderr).not.toContain('starting task');
});

test('a bad value from the environment or a configuration file names where it came from, exit status 2', async () => {
  testEnv = { PIW_SLAVE_QUEUE: 'nowhere' };
  const fromEnv = await run(TestMasterCommand, []);
  expect(fromEnv.code).toBe(2);
  expect(fromEnv.stderr).toContain('invalid value for --slave-queue (from environment variable PIW_SLAVE_QUEUE): expected a tcp:// or ipc:// address');
  testEnv = {};
  const conf = path.join(dir, 'piwheels.conf');
  await writeFile(conf, '[master]\noracles = -3\n');
  const fromFile = await run(TestMasterCommand, ['-c', conf]);
  expect(fromFile.code).toBe(2);
  expect(fromFile.stderr).toContain(`invalid value for --oracles (from ${conf} [master] oracles): expected at least 1`);
});

test('behaviour 22: as root the master refuses to run, exit status 1, unless PIW_ALLOW_ROOT=1', async () => {
  euid = 0;
  const refused = await run(TestMasterCommand, ['-d', 'postgres://nobody@/nowhere?host=/nonexistent']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('Master must not be run as root');
  expect(refused.stderr).not.toContain('Unable to connect');

  testEnv = { PIW_ALLOW_ROOT: '1' };
  const allowed = await run(TestMasterCommand, ['-d', 'postgres://nobody@/nowhere?host=/nonexistent', '-o', path.join(dir, 'www')]);
  expect(allowed.code).toBe(1); // on to the next thing that can go wrong: there is no such database
  expect(allowed.stderr).toContain('running as root because PIW_ALLOW_ROOT is set');
  expect(allowed.stderr).toContain('Unable to connect to database nowhere');
  expect(allowed.stderr).not.toContain('must not be run as root');
});

describe('settings → the master\'s configuration', () => {
  test('0.18\'s defaults: the embedded database, /var/www, the manual\'s queues (the ipc ones in the private ipc directory), a 5-minute PyPI hold, 60 s rewrites', async () => {
    const c = await configOf([]);
    expect(c).toMatchObject({
      dsn: undefined,
      outputPath: '/var/www',
      devMode: false,
      pypiHoldSeconds: 300,
      rewriteDelayMs: 60_000,
      oracles: 3,
      maxFileSize: 2 * 1024 ** 3,
      queues: {
        status: ipcAddress(DEFAULT_IPC_DIR.path, 'piw-status'),
        control: ipcAddress(DEFAULT_IPC_DIR.path, 'piw-control'),
        import: ipcAddress(DEFAULT_IPC_DIR.path, 'piw-import'),
        log: ipcAddress(DEFAULT_IPC_DIR.path, 'piw-logger'),
        slave: 'tcp://*:5555',
        file: 'tcp://*:5556',
      },
    });
  });

  test('behaviour 35: --dev-mode holds rewrites 3 s and PyPI events not at all; --pypi-hold and --rewrite-delay override either mode', async () => {
    expect(await configOf(['--dev-mode'])).toMatchObject({ devMode: true, pypiHoldSeconds: 0, rewriteDelayMs: 3_000 });
    expect(await configOf(['--pypi-hold', '0', '--rewrite-delay', '3'])).toMatchObject({ devMode: false, pypiHoldSeconds: 0, rewriteDelayMs: 3_000 });
    expect(await configOf(['--dev-mode', '--rewrite-delay', '10'])).toMatchObject({ pypiHoldSeconds: 0, rewriteDelayMs: 10_000 });
  });

  test('the command line beats PIW_* variables, which beat the [master] section; ~ is the home directory', async () => {
    const conf = path.join(dir, 'piwheels.conf');
    await writeFile(conf, '[master]\noutput_path = ~/www\nslave_queue = tcp://*:6555\noracles = 5\nmax_file_size = 1G\n');
    const c = await configOf(['-c', conf, '--oracles', '7'], { PIW_SLAVE_QUEUE: 'tcp://127.0.0.1:7555', PIW_MASTER_DEBUG: 'master.a, master.b' });
    expect(c).toMatchObject({ outputPath: path.join(os.homedir(), 'www'), oracles: 7, maxFileSize: 1024 ** 3, queues: { slave: 'tcp://127.0.0.1:7555' } });
  });
});

describe('--inspect [ADDR]: the live view, off by default, loopback only', () => {
  test('off unless asked for, by option, environment or configuration file', async () => {
    expect((await configOf([])).inspect).toBeUndefined();
    expect((await configOf([], { PIW_MASTER_INSPECT: 'no' })).inspect).toBeUndefined();
    expect((await configOf(['--inspect'])).inspect).toEqual({ host: '127.0.0.1', port: 8008 });
    expect((await configOf(['--inspect=9009'])).inspect).toEqual({ host: '127.0.0.1', port: 9009 });
    expect((await configOf(joinInspectValue(['--inspect', '[::1]:9010', '-v']))).inspect).toEqual({ host: '::1', port: 9010 });
    expect((await configOf([], { PIW_MASTER_INSPECT: 'yes' })).inspect).toEqual({ host: '127.0.0.1', port: 8008 });
    const conf = path.join(dir, 'piwheels.conf');
    await writeFile(conf, '[master]\ninspect = localhost:9011\n');
    expect((await configOf(['-c', conf])).inspect).toEqual({ host: '127.0.0.1', port: 9011 });
  });

  test('--inspect ADDR is read as --inspect=ADDR; a bare --inspect before another option stays bare', () => {
    expect(joinInspectValue(['-v', '--inspect', '127.0.0.1:9', '--dev-mode'])).toEqual(['-v', '--inspect=127.0.0.1:9', '--dev-mode']);
    expect(joinInspectValue(['--inspect', '--dev-mode'])).toEqual(['--inspect', '--dev-mode']);
    expect(joinInspectValue(['--dev-mode', '--inspect'])).toEqual(['--dev-mode', '--inspect']);
  });

  test('an address other machines could reach is refused with exit status 2, wherever it came from', async () => {
    const refusal = /0\.0\.0\.0 is not a loopback address: the live view has no password, so it is served to this machine only/;
    const option = await run(TestMasterCommand, ['--inspect=0.0.0.0:8008']);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/invalid value for option --inspect: /);
    expect(option.stderr).toMatch(refusal);
    testEnv = { PIW_MASTER_INSPECT: '0.0.0.0' };
    const fromEnv = await run(TestMasterCommand, []);
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('invalid value for --inspect (from environment variable PIW_MASTER_INSPECT): ');
    expect(fromEnv.stderr).toMatch(refusal);
    testEnv = {};
    const conf = path.join(dir, 'piwheels.conf');
    await writeFile(conf, '[master]\ninspect = 192.168.1.10:8008\n');
    const fromFile = await run(TestMasterCommand, ['-c', conf]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain(`invalid value for --inspect (from ${conf} [master] inspect): 192.168.1.10 is not a loopback address`);
    expect(fromFile.stderr).not.toContain('starting task');
  });

  test('--help describes it', async () => {
    const help = await run(TestMasterCommand, ['--help']);
    expect(help.stdout).toContain('--inspect');
    expect(help.stdout).toMatch(/The live view \(--inspect\)[\s\S]*only a\s+loopback address is accepted/);
  });
});

describe('--debug patterns (fnmatch)', () => {
  test.each([
    ['master.the_scribe', 'master.the_scribe', true],
    ['master.the_scribe', 'master.the_scribes', false],
    ['master.*', 'master.slave_driver', true],
    ['master.*', 'masterXslave_driver', false],
    ['master.the_???', 'master.the_oracle', false],
    ['master.the_??????', 'master.the_oracle', true],
    ['master.[st]*', 'master.slave_driver', true],
    ['master.[!st]*', 'master.slave_driver', false],
    ['master.[!st]*', 'master.big_brother', true],
    ['master.[a', 'master.[a', true],
    ['*(x)+', 'a(x)+', true],
  ])('%s matches %s: %s', (pattern, name, matches) => {
    expect(fnmatch(pattern).test(name)).toBe(matches);
  });
});

test.each([
  ['2147483648', 2 ** 31],
  ['500M', 500 * 1024 ** 2],
  ['2G', 2 * 1024 ** 3],
  ['2GiB', 2 * 1024 ** 3],
  ['64kb', 64 * 1024],
  ['1.5G', NaN],
  ['', NaN],
])('--max-file-size %j is %d bytes', (text, bytes) => {
  expect(parseSize(text)).toBe(bytes);
});
