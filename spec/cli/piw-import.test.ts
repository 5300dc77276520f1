/**
 * piw-import as a real process against a running Mr Chase with the real File Juggler, Oracle (PostgreSQL)
 * and Scribe (manual chapter 7; behaviours 196–202): one and several wheels land under simple/<pkg>/ with
 * their bytes and one build in the database, BOTH is requested; --delete removes the files only after
 * DONE; refusals print the master's reason and delete nothing; prompts answered on a pseudo-terminal; bad
 * options exit 2; a master that is not there is a clear error.
 */
import { execFileSync } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { mrChaseProtocol } from '../../protocols/mr-chase.js';
import { writeWheel } from '../actors/mr-chase/wheels.js';
import { postgresBackend } from '../actors/mr-chase/backend.js';
import { startWorld, type World } from '../actors/mr-chase/world.js';
import { runTool, ttyTool } from './piw-import-support.js';

const backend = postgresBackend();
let world: World;
let dir: string;

const exists = (path: string) => access(path).then(() => true, () => false);
const queues = () => ['--import-queue', world.address, '--file-queue', world.fileQueue];
const imported = (pkg: string, filename: string) => readFile(join(world.output, 'simple', pkg, filename));

beforeEach(async () => {
  world = await startWorld(backend.get());
  await world.seed({ abis: ['cp311', 'cp39'], versions: [['foo', '1.0'], ['foo-bar', '2.0']] });
  dir = await mkdtemp(join(tmpdir(), 'piw-import-'));
});
afterEach(async () => {
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

describe('importing', () => {
  test('behaviours 196-198, 201: one wheel with -y: package, version and ABI from the wheel, uploaded, logged, pages requested, exit 0', async () => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl');
    const r = await runTool('piw-import', [...queues(), '-y', w.path]);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(await imported('foo', w.filename)).toEqual(w.data);
    expect(await world.builds()).toEqual([
      { build: 'foo 1.0 cp311 true 0', files: [`${w.filename} ${w.size} ${w.hash}`], output: 'Imported manually via piw-import' },
    ]);
    expect(world.events).toEqual(['web BOTH foo']);
    expect(await exists(w.path)).toBe(true);
  });

  test('behaviours 196, 198, 199: several wheels are one build; escaped names, METADATA\'s name canonicalised; --duration, --output, --dependencies', async () => {
    const a = await writeWheel(dir, 'Foo_Bar-2.0-cp39-cp39-linux_armv7l.whl', { name: 'Foo.Bar', payload: 200_000 });
    const b = await writeWheel(dir, 'foo_bar-2.0-py3-none-any.whl', { name: 'Foo.Bar' });
    await writeFile(join(dir, 'build.log'), 'compiling\nlinking\n');
    await writeFile(join(dir, 'deps'), 'libfoo1  libbar2\nlibfoo1\n');
    const r = await runTool('piw-import', [
      ...queues(),
      '-y',
      '--duration', '1h30m',
      '--output', join(dir, 'build.log'),
      '--dependencies', join(dir, 'deps'),
      a.path,
      b.path,
    ]);
    expect(r).toMatchObject({ code: 0 });
    const twin = 'Foo_Bar-2.0-cp39-cp39-linux_armv6l.whl';
    expect(await world.builds()).toEqual([
      {
        build: 'foo-bar 2.0 cp39 true 0',
        files: [`${twin} ${a.size} ${a.hash}`, `${a.filename} ${a.size} ${a.hash}`, `${b.filename} ${b.size} ${b.hash}`],
        output: 'compiling\nlinking\n',
      },
    ]);
    const details = await world.backend.admin(async (sql) => ({
      duration: (await sql<{ s: number }[]>`SELECT EXTRACT(EPOCH FROM duration)::int AS s FROM builds`)[0]!.s,
      deps: (await sql<{ d: string }[]>`SELECT filename || ' ' || tool || ' ' || dependency AS d FROM dependencies ORDER BY 1`).map((r) => r.d),
    }));
    expect(details.duration).toBe(5400);
    expect(details.deps).toEqual([
      `${twin} apt libbar2`, `${twin} apt libfoo1`,
      `${a.filename} apt libbar2`, `${a.filename} apt libfoo1`,
      `${b.filename} apt libbar2`, `${b.filename} apt libfoo1`,
    ]);
    expect(await imported('foo-bar', a.filename)).toEqual(a.data);
    expect(await imported('foo-bar', b.filename)).toEqual(b.data);
    expect(world.events).toEqual(['web BOTH foo-bar']);
  });

  test('--package, --package-version and --abi override the wheel; a pure wheel needs --abi (behaviour 197)', async () => {
    const w = await writeWheel(dir, 'FOO-0.5-py3-none-any.whl');
    const refused = await runTool('piw-import', [...queues(), '-y', w.path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("couldn't determine builder ABI; re-run with --abi");
    const r = await runTool('piw-import', [...queues(), '-y', '--package', 'Foo', '--package-version', '1.0', '--abi', 'cp39', w.path]);
    expect(r).toMatchObject({ code: 0 });
    expect((await world.builds()).map((b) => b.build)).toEqual(['foo 1.0 cp39 true 0']);
  });

  test('behaviour 202: --delete removes the files once the master said DONE', async () => {
    const a = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl');
    const b = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_aarch64.whl');
    const r = await runTool('piw-import', [...queues(), '-y', '--delete', a.path, b.path]);
    expect(r).toMatchObject({ code: 0 });
    expect(await exists(a.path)).toBe(false);
    expect(await exists(b.path)).toBe(false);
    expect(await imported('foo', a.filename)).toEqual(a.data);
    expect(await imported('foo', b.filename)).toEqual(b.data);
  });
});

describe('refusals', () => {
  test.each([
    ['an unknown version', ['--package-version', '9.9'], 'the master refused the import: unknown package version foo-9.9'],
    ['an ABI the master does not build for', ['--abi', 'cp27mu'], 'the master refused the import: invalid ABI: cp27mu'],
    [
      'a wheel of another package',
      ['--package', 'foo-bar', '--package-version', '2.0'],
      'the master refused the import: wheel "foo-1.0-cp311-cp311-linux_x86_64.whl" is not a file of package "foo-bar"',
    ],
  ])('behaviour 201: %s prints the master\'s reason, exits 1, and --delete deletes nothing', async (_, extra, message) => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl');
    const r = await runTool('piw-import', [...queues(), '-y', '--delete', ...extra, w.path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ERROR import: ${message}`);
    expect(await exists(w.path)).toBe(true);
    expect(await world.builds()).toEqual([]);
    expect(await world.site()).toEqual([]);
  });

  test('files that are not wheels are refused before the master is asked (exit 2)', async () => {
    const cases: [string, Buffer, string][] = [
      ['foo.whl', Buffer.from('x'), 'is not a wheel: invalid wheel filename "foo.whl"'],
      ['foo-1.0-py3-none-any.whl.exe', Buffer.from('x'), 'does not end in .whl'],
      ['foo-1.0-cp311-cp311-linux_x86_64.whl', Buffer.from('this is not a zip archive'), 'is not a readable zip archive'],
    ];
    for (const [name, data, message] of cases) {
      await writeFile(join(dir, name), data);
      const r = await runTool('piw-import', [...queues(), '-y', join(dir, name)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const missing = await runTool('piw-import', [...queues(), '-y', join(dir, 'foo-1.0-py3-none-any.whl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect(world.events).toEqual([]);
    expect(world.log.entries.filter((e) => e.name === 'master.mr_chase' && e.message.includes('IMPORT'))).toEqual([]);
  });

  test('bad options exit 2 with a clear message', async () => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl');
    const cases: [string[], string][] = [
      [['--duration', 'a while', w.path], 'invalid value for option --duration'],
      [['--abi', 'none', w.path], '"none" is not the ABI of a builder'],
      [['--timeout', 'soon', w.path], 'invalid value for option --timeout'],
      [['--import-queue', 'somewhere', w.path], 'invalid value for option --import-queue'],
      [['--output', join(dir, 'no-such-log'), w.path], 'invalid value for option --output: cannot read'],
      [['--dependencies', w.path, w.path], 'is not a Debian package name'],
      [['--no-such-option', w.path], 'Try the --help option for more information.'],
      [[], 'Try the --help option for more information.'],
    ];
    for (const [args, message] of cases) {
      const r = await runTool('piw-import', [...queues(), '-y', ...args]);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toContain(message);
    }
    expect(await world.builds()).toEqual([]);
  });
});

describe('when the master is not there', () => {
  test('no socket, a stale socket, a master that never answers: a clear error and exit 1', async () => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl');
    const none = await runTool('piw-import', ['-y', '--import-queue', `ipc://${dir}/nothing-here`, w.path]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`cannot reach the master at ipc://${dir}/nothing-here: no such socket; is piw-master running?`);

    const stale = join(dir, 'stale');
    execFileSync('/usr/bin/python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', stale]);
    const refused = await runTool('piw-import', ['-y', '--import-queue', `ipc://${stale}`, w.path]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('nothing is listening (a stale socket)');

    const silent = new zmq.Router();
    await silent.bind(`ipc://${dir}/silent`);
    try {
      const r = await runTool('piw-import', ['-y', '--timeout', '1', '--import-queue', `ipc://${dir}/silent`, w.path]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no reply from the master at ipc://${dir}/silent within 1 s; is piw-master running (and not paused)?`);
    } finally {
      silent.close();
    }
    expect(await exists(w.path)).toBe(true);
  });

  test('behaviour 201: a master that answers out of turn is "Unexpected response from master"', async () => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl');
    const rogue = new zmq.Router();
    await rogue.bind(`ipc://${dir}/rogue`);
    const answering = (async () => {
      for await (const [peer, empty] of rogue) {
        await rogue.send([peer!, empty!, mrChaseProtocol.encode({ verb: 'SEND', data: 'somebody-else-1.0-py3-none-any.whl' })]);
      }
    })();
    try {
      const r = await runTool('piw-import', ['-y', '--delete', '--import-queue', `ipc://${dir}/rogue`, w.path]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('Unexpected response from master: SEND "somebody-else-1.0-py3-none-any.whl", which is not a file of this import');
      expect(await exists(w.path)).toBe(true);
    } finally {
      rogue.close();
      await answering.catch(() => {});
    }
  });
});

describe('issue 11: a transfer that never starts', () => {
  test('the master\'s file queue is elsewhere: piw-import says what it waits for (-v: the addresses) and gives up after 30 s, not --timeout, with nothing deleted', async () => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl');
    // A port nobody listens on: the DEALER connects to nothing and no FETCH ever comes.
    const nowhere = 'tcp://127.0.0.1:9';
    const r = await runTool('piw-import', ['-y', '-v', '--delete', '--timeout', '300', '--import-queue', world.address, '--file-queue', nowhere, w.path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`asking the master on its import queue at ${world.address}: IMPORT`);
    expect(r.stderr).toContain(`sending ${w.filename} to the file queue at ${nowhere}`);
    expect(r.stderr).toMatch(new RegExp(`waiting for the master to fetch ${w.filename.replace(/\./g, '\\.')}: no answer from its file queue after 5 s \\(is --file-queue right\\?\\)`));
    expect(r.stderr).toContain(
      `the master asked for ${w.filename} but did not fetch it over the file queue at ${nowhere} within 30 s; is --file-queue the master's file queue?`,
    );
    expect(await exists(w.path)).toBe(true);
  }, 120_000);
});

describe('on a terminal', () => {
  test('behaviour 200: shows what it will import and asks; yes imports, with a progress line for a large file', async () => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl', { payload: 3 << 20 });
    const tty = ttyTool('piw-import', [...queues(), w.path]);
    await tty.waitFor(/Proceed\? \[Y\/n\] /);
    const shown = tty.output();
    expect(shown).toContain('Package:      foo');
    expect(shown).toContain('Version:      1.0');
    expect(shown).toContain('ABI:          cp311');
    expect(shown).toContain('Duration:     0:00:00');
    expect(shown).toContain('Output:       Imported manually via piw-import');
    expect(shown).toContain(`  ${w.filename} (3.0 MiB)`);
    tty.answer('y');
    const { code, output } = await tty.exited;
    expect(code).toBe(0);
    expect(output).toMatch(/100% \[#{24}\] 3\.0\/3\.0 MiB/);
    expect(await imported('foo', w.filename)).toEqual(w.data);
  });

  test('behaviour 200: no changes nothing and exits 2', async () => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl');
    const tty = ttyTool('piw-import', [...queues(), '--delete', w.path]);
    await tty.waitFor(/\[Y\/n\] /);
    tty.answer('no');
    const { code, output } = await tty.exited;
    expect(code).toBe(2);
    expect(output).toContain('User aborted import');
    expect(await exists(w.path)).toBe(true);
    expect(await world.builds()).toEqual([]);
    expect(world.events).toEqual([]);
  });

  test('-q shows no progress line', async () => {
    const w = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl', { payload: 2 << 20 });
    const { code, output } = await ttyTool('piw-import', [...queues(), '-y', '-q', w.path]).exited;
    expect(code).toBe(0);
    expect(output).not.toContain('MiB');
    expect(await imported('foo', w.filename)).toEqual(w.data);
  });
});
