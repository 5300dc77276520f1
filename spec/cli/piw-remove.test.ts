/**
 * piw-remove as a real process against a running Mr Chase on PostgreSQL (manual chapter 9; behaviour 203):
 * a package or a version goes, with its files and pages; with --skip it stays, marked, while its builds
 * and files go; an unknown package or version is the master's ERROR with nothing deleted; the name is
 * canonicalised; the prompt on a pseudo-terminal; bad options exit 2.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importBuild, importOf } from '../actors/mr-chase/support.js';
import { writeWheel, type TestWheel } from '../actors/mr-chase/wheels.js';
import { postgresBackend } from '../actors/mr-chase/backend.js';
import { startWorld, type World } from '../actors/mr-chase/world.js';
import { runTool, ttyTool } from './piw-import-support.js';

const backend = postgresBackend();
let world: World;
let dir: string;
let wheels: Record<string, TestWheel>;

const exists = (path: string) => access(path).then(() => true, () => false);
const onSite = (pkg: string, w: TestWheel) => exists(join(world.output, 'simple', pkg, w.filename));
const queue = () => ['--import-queue', world.address];

async function state() {
  return world.backend.admin(async (sql) =>
    (
      await sql<{ row: string }[]>`
        SELECT p.package || ' skip=' || p.skip || COALESCE(' | ' || v.version || ' skip=' || v.skip || ' builds=' ||
          (SELECT COUNT(*) FROM builds b WHERE b.package = v.package AND b.version = v.version), '') AS row
        FROM packages p LEFT JOIN versions v USING (package) ORDER BY 1`
    ).map((r) => r.row),
  );
}

beforeEach(async () => {
  world = await startWorld(backend.get());
  await world.seed({ abis: ['cp311'], versions: [['foo-bar', '1.0'], ['foo-bar', '2.0'], ['baz', '1.0']] });
  dir = await mkdtemp(join(tmpdir(), 'piw-remove-'));
  wheels = {};
  const client = world.client();
  try {
    for (const [pkg, ver] of [['foo-bar', '1.0'], ['foo-bar', '2.0'], ['baz', '1.0']] as const) {
      const w = await writeWheel(dir, `${pkg.replace('-', '_')}-${ver}-cp311-cp311-linux_x86_64.whl`);
      wheels[`${pkg} ${ver}`] = w;
      await importBuild(world, client, importOf([w.state], { pkg, version: ver }), { [w.filename]: w.path });
    }
  } finally {
    await client.close();
  }
  world.events.length = 0;
});
afterEach(async () => {
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

test('behaviour 203: without a version the whole package goes, its files and pages too; the name is canonicalised', async () => {
  const r = await runTool('piw-remove', [...queue(), '-y', 'Foo_Bar']);
  expect(r).toMatchObject({ code: 0, stdout: '' });
  expect(world.events).toEqual(['web DELPKG foo-bar', 'skip DELPKG foo-bar']);
  expect(await state()).toEqual(['baz skip= | 1.0 skip= builds=1']);
  expect(await onSite('foo-bar', wheels['foo-bar 1.0']!)).toBe(false);
  expect(await exists(join(world.output, 'project', 'foo-bar'))).toBe(false);
  expect(await onSite('baz', wheels['baz 1.0']!)).toBe(true);
});

test('behaviour 203: with a version only that version goes', async () => {
  const r = await runTool('piw-remove', [...queue(), '-y', 'foo-bar', '1.0']);
  expect(r).toMatchObject({ code: 0 });
  expect(world.events).toEqual(['web DELVER foo-bar 1.0', 'skip DELVER foo-bar 1.0']);
  expect(await state()).toEqual(['baz skip= | 1.0 skip= builds=1', 'foo-bar skip= | 2.0 skip= builds=1']);
  expect(await onSite('foo-bar', wheels['foo-bar 1.0']!)).toBe(false);
  expect(await onSite('foo-bar', wheels['foo-bar 2.0']!)).toBe(true);
});

test('behaviour 203: with --skip the version (or package) stays, marked, while its builds and files go', async () => {
  expect(await runTool('piw-remove', [...queue(), '-y', '--skip', 'broken on arm', 'foo-bar', '2.0'])).toMatchObject({ code: 0 });
  expect(await state()).toEqual(['baz skip= | 1.0 skip= builds=1', 'foo-bar skip= | 1.0 skip= builds=1', 'foo-bar skip= | 2.0 skip=broken on arm builds=0']);
  expect(await onSite('foo-bar', wheels['foo-bar 2.0']!)).toBe(false);
  expect(await runTool('piw-remove', [...queue(), '-y', '-s', 'maintainer request', 'baz'])).toMatchObject({ code: 0 });
  expect(await state()).toContain('baz skip=maintainer request | 1.0 skip= builds=0');
  expect(await onSite('baz', wheels['baz 1.0']!)).toBe(false);
});

test('behaviour 203: an unknown package or version is the master\'s ERROR, exit 1, nothing deleted', async () => {
  const before = { rows: await state(), site: await world.site() };
  const pkg = await runTool('piw-remove', [...queue(), '-y', 'nope']);
  expect(pkg.code).toBe(1);
  expect(pkg.stderr).toContain('ERROR remove: the master refused the removal: unknown package nope');
  const ver = await runTool('piw-remove', [...queue(), '-y', 'foo-bar', '9.9']);
  expect(ver.code).toBe(1);
  expect(ver.stderr).toContain('the master refused the removal: unknown package version foo-bar-9.9');
  expect(world.events).toEqual([]);
  expect({ rows: await state(), site: await world.site() }).toEqual(before);
});

test('asks first: yes removes, no exits 2 and removes nothing', async () => {
  const no = ttyTool('piw-remove', [...queue(), 'foo-bar', '1.0']);
  await no.waitFor(/Proceed\? \[Y\/n\] /);
  expect(no.output()).toContain('Version 1.0 of foo-bar, its builds and files, will be deleted.');
  no.answer('n');
  const declined = await no.exited;
  expect(declined.code).toBe(2);
  expect(await onSite('foo-bar', wheels['foo-bar 1.0']!)).toBe(true);
  expect(world.events).toEqual([]);

  const yes = ttyTool('piw-remove', [...queue(), '--skip', 'gone', 'baz']);
  await yes.waitFor(/Proceed\? \[Y\/n\] /);
  expect(yes.output()).toContain('The builds and files of package baz will be deleted; it will stay, marked to skip: gone.');
  yes.answer('yes');
  expect((await yes.exited).code).toBe(0);
  expect(await onSite('baz', wheels['baz 1.0']!)).toBe(false);
});

test('bad options and arguments exit 2; a master that is not there exits 1', async () => {
  const cases: [string[], string][] = [
    [[], 'Try the --help option for more information.'],
    [['foo', '1.0', 'extra'], 'Try the --help option for more information.'],
    [['../etc'], 'invalid package name "../etc"'],
    [['-s', 'x'.repeat(101), 'foo-bar'], 'invalid value for option --skip: expected at most 100 characters'],
    [['--timeout', 'never', 'foo-bar'], 'invalid value for option --timeout'],
  ];
  for (const [args, message] of cases) {
    const r = await runTool('piw-remove', [...queue(), '-y', ...args]);
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
    expect(r.stderr).toContain(message);
  }
  const absent = await runTool('piw-remove', ['-y', '--import-queue', `ipc://${dir}/no-master`, 'foo-bar']);
  expect(absent.code).toBe(1);
  expect(absent.stderr).toContain('cannot reach the master');
  expect(world.events).toEqual([]);
});
