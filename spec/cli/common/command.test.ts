/**
 * The command base (cli/common): settings by precedence (command line, environment, -c FILE or the
 * default files), validation at start-up with exit status 2, the logger (-q, -v, -l FILE), typed errors
 * ending with their message only, --help, --version and usage errors.
 */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Command, Option } from 'clipanion';
import * as v from 'valibot';
import type { Logger } from '../../../actors/runtime/logger.js';
import { PiwCommand, type Settings } from '../../../cli/common/command.js';
import { flag, integer, text } from '../../../cli/common/config.js';
import { FatalError } from '../../../cli/common/errors.js';
import { run } from './harness.js';

const schema = v.object({ name: text('world'), times: integer(1, 1, 5), shout: flag(), fail: text('no') });

let testEnv: NodeJS.ProcessEnv = {};

class GreetCommand extends PiwCommand<typeof schema> {
  static override paths = [Command.Default];
  static metavars = { '--name': 'NAME', '--times': 'N' };
  static override usage = Command.Usage({ description: 'Greets someone' });
  readonly section = 'greet';
  readonly logName = 'greet';
  name = Option.String('-n,--name', { description: 'Who to greet' });
  times = Option.String('-t,--times', { description: 'How often' });
  shout = Option.Boolean('--shout', { description: 'Loudly' });
  fail = Option.String('--fail', { description: 'How to fail' });

  settings() {
    return {
      options: {
        name: { flag: '--name', given: this.name, env: 'PIW_NAME' },
        times: { flag: '--times', given: this.times, env: 'PIW_TIMES' },
        shout: { flag: '--shout', given: this.shout },
        fail: { flag: '--fail', given: this.fail },
      },
      schema,
    };
  }

  protected override environment(): NodeJS.ProcessEnv {
    return testEnv;
  }

  async main(s: Settings<typeof schema>, log: Logger): Promise<number> {
    if (s.fail === 'fatal') throw new FatalError('the widget is broken', 3);
    if (s.fail === 'bug') throw new TypeError('undefined is not a function');
    log.debug('debugging');
    log.info('informing');
    log.warn('warning');
    log.error('erring');
    for (let i = 0; i < s.times; i++) this.context.stdout.write(`${s.shout ? 'HELLO' : 'hello'} ${s.name}\n`);
    return 0;
  }
}

let dir: string;
let home: string | undefined;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'piw-cli-'));
  testEnv = {};
  home = process.env.HOME;
  process.env.HOME = dir;
});
afterEach(async () => {
  process.env.HOME = home;
  await rm(dir, { recursive: true, force: true });
});

describe('settings', () => {
  test('defaults apply when nothing is given', async () => {
    expect(await run(GreetCommand, [])).toMatchObject({ code: 0, stdout: 'hello world\n' });
  });

  test('the command line beats the environment, which beats -c FILE', async () => {
    const conf = path.join(dir, 'piw.conf');
    await writeFile(conf, '[greet]\nname = file\ntimes = 2\nshout = yes\n');
    expect((await run(GreetCommand, ['-c', conf])).stdout).toBe('HELLO file\nHELLO file\n');
    testEnv = { PIW_NAME: 'env' };
    expect((await run(GreetCommand, ['-c', conf])).stdout).toBe('HELLO env\nHELLO env\n');
    expect((await run(GreetCommand, ['-c', conf, '--name', 'cli', '-t', '1'])).stdout).toBe('HELLO cli\n');
  });

  test("without -c, ~/.config/piwheels/piwheels.conf is read; other commands' sections are not", async () => {
    await mkdir(path.join(dir, '.config', 'piwheels'), { recursive: true });
    await writeFile(path.join(dir, '.config', 'piwheels', 'piwheels.conf'), '[master]\nname = master\n[greet]\nname = home\n');
    expect((await run(GreetCommand, ['-v'])).stdout).toBe('hello home\n');
  });

  test('-c FILE replaces the default files', async () => {
    await mkdir(path.join(dir, '.config', 'piwheels'), { recursive: true });
    await writeFile(path.join(dir, '.config', 'piwheels', 'piwheels.conf'), '[greet]\nname = home\n');
    const conf = path.join(dir, 'other.conf');
    await writeFile(conf, '[greet]\ntimes = 2\n');
    expect((await run(GreetCommand, ['-c', conf])).stdout).toBe('hello world\nhello world\n');
  });

  test('bad values end with exit status 2, naming the option and where the value came from', async () => {
    expect(await run(GreetCommand, ['--times', 'lots'])).toMatchObject({ code: 2, stdout: '' });
    expect((await run(GreetCommand, ['--times', 'lots'])).stderr).toMatch(/invalid value for option --times: /);
    testEnv = { PIW_TIMES: '9' };
    expect((await run(GreetCommand, [])).stderr).toContain('invalid value for --times (from environment variable PIW_TIMES): expected at most 5');
    testEnv = {};
    const conf = path.join(dir, 'piw.conf');
    await writeFile(conf, '[greet]\nshout = loudly\n');
    const bad = await run(GreetCommand, ['-c', conf]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`invalid value for --shout (from ${conf} [greet] shout): expected yes or no`);
  });

  test('a missing or malformed configuration file ends with exit status 2', async () => {
    const missing = await run(GreetCommand, ['-c', path.join(dir, 'nope.conf')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`cannot read configuration file ${path.join(dir, 'nope.conf')}`);
    const conf = path.join(dir, 'piw.conf');
    await writeFile(conf, 'garbage\n');
    expect(await run(GreetCommand, ['-c', conf])).toMatchObject({ code: 2, stderr: expect.stringContaining(`${conf}, line 1:`) });
  });
});

describe('logging', () => {
  const levels = (stderr: string) => [...stderr.matchAll(/ (DEBUG|INFO|WARNING|ERROR) greet: /g)].map((m) => m[1]);

  test('warnings and errors by default, errors only with -q, information too with -v; lines are timestamped', async () => {
    const plain = await run(GreetCommand, []);
    expect(levels(plain.stderr)).toEqual(['WARNING', 'ERROR']);
    expect(plain.stderr).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WARNING greet: warning$/m);
    expect(levels((await run(GreetCommand, ['-q'])).stderr)).toEqual(['ERROR']);
    expect(levels((await run(GreetCommand, ['-v'])).stderr)).toEqual(['INFO', 'WARNING', 'ERROR']);
  });

  test('-l FILE appends information and up to the file, whatever the console shows', async () => {
    const logFile = path.join(dir, 'greet.log');
    await run(GreetCommand, ['-q', '-l', logFile]);
    await run(GreetCommand, ['-l', logFile]);
    expect(levels(await readFile(logFile, 'utf8'))).toEqual(['INFO', 'WARNING', 'ERROR', 'INFO', 'WARNING', 'ERROR']);
    const bad = await run(GreetCommand, ['-l', path.join(dir, 'no', 'such', 'dir.log')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('cannot open log file');
  });
});

describe('ending', () => {
  test('a typed error prints its message, no stack, and its exit status', async () => {
    const r = await run(GreetCommand, ['--fail', 'fatal']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/ERROR greet: the widget is broken\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('an unexpected error is a bug: its stack is printed and the exit status is 1', async () => {
    const r = await run(GreetCommand, ['--fail', 'bug']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/TypeError: undefined is not a function\n\s+at /);
  });

  test('--help describes every option with its value name; --version prints the version', async () => {
    const help = await run(GreetCommand, ['--help']);
    expect(help.code).toBe(0);
    for (const line of ['-c,--configuration FILE', '-q,--quiet', '-v,--verbose', '-l,--log-file FILE', '-n,--name NAME', '-t,--times N']) {
      expect(help.stdout).toContain(line);
    }
    expect(await run(GreetCommand, ['--version'])).toMatchObject({ code: 0, stdout: '0.18\n' });
  });

  test('an unknown option is a usage error: exit status 2 and a pointer to --help', async () => {
    const r = await run(GreetCommand, ['--colour', 'blue']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unsupported option name ("--colour")');
    expect(r.stderr).toContain('Try the --help option for more information.');
    expect(r.stdout).toBe('');
  });
});
