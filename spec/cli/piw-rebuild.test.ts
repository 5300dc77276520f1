/**
 * piw-rebuild as a real process against a running Mr Chase on PostgreSQL (manual chapter 8; behaviours
 * 204–205): each part becomes its request (home, search → Big Brother's HOME; project, index → PROJECT,
 * BOTH for one package or for all), the pages are written; another part is a usage error; every package
 * is asked about first; an unknown package is the master's ERROR.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresBackend } from '../actors/mr-chase/backend.js';
import { startWorld, type World } from '../actors/mr-chase/world.js';
import { runTool, toolEnv, ttyTool } from './piw-import-support.js';

const backend = postgresBackend();
let world: World;
const queue = () => ['--import-queue', world.address];

beforeEach(async () => {
  world = await startWorld(backend.get());
  await world.seed({ versions: [['foo-bar', '1.0'], ['baz', '2.0']] });
});
afterEach(async () => {
  await world.close();
});

test('behaviours 204, 205: home and search ask Big Brother for HOME, without a prompt', async () => {
  expect(await runTool('piw-rebuild', [...queue(), 'home'])).toMatchObject({ code: 0, stdout: '' });
  expect(await runTool('piw-rebuild', [...queue(), 'search'])).toMatchObject({ code: 0, stdout: '' });
  expect(world.events).toEqual(['stats HOME', 'stats HOME']);
});

test('behaviour 204: project and index for one package (canonicalised) write its pages', async () => {
  expect(await runTool('piw-rebuild', [...queue(), 'project', 'Foo.Bar'])).toMatchObject({ code: 0 });
  expect(await runTool('piw-rebuild', [...queue(), 'index', 'baz'])).toMatchObject({ code: 0 });
  expect(world.events).toEqual(['web REBUILD PROJECT foo-bar', 'web REBUILD BOTH baz']);
  expect(await world.site()).toEqual([
    'project/baz/', 'project/baz/index.html', 'project/baz/json/', 'project/baz/json/index.json',
    'project/foo-bar/', 'project/foo-bar/index.html', 'project/foo-bar/json/', 'project/foo-bar/json/index.json',
    'simple/baz/', 'simple/baz/index.html', 'simple/baz/index.json',
  ]);
  expect(await readFile(join(world.output, 'project', 'foo-bar', 'index.html'), 'utf8')).toContain('foo-bar');
});

test('behaviour 205: every package with -y, no prompt', async () => {
  expect(await runTool('piw-rebuild', [...queue(), '-y', 'index'])).toMatchObject({ code: 0, stdout: '' });
  expect(world.events).toEqual(['web REBUILD BOTH baz', 'web REBUILD BOTH foo-bar']);
});

test('behaviour 205: every package asks first; no exits 2 with nothing requested, yes requests them all', async () => {
  const no = ttyTool('piw-rebuild', [...queue(), 'project']);
  await no.waitFor(/Proceed\? \[Y\/n\] /);
  expect(no.output()).toContain('This will rewrite the project page of every package the master knows.');
  no.answer('no');
  expect((await no.exited).code).toBe(2);
  expect(world.events).toEqual([]);
  const yes = ttyTool('piw-rebuild', [...queue(), 'project']);
  await yes.waitFor(/Proceed\? \[Y\/n\] /);
  yes.answer('');
  expect((await yes.exited).code).toBe(0);
  expect(world.events).toEqual(['web REBUILD PROJECT baz', 'web REBUILD PROJECT foo-bar']);
});

test('behaviour 204: another part is a usage error (exit 2); an unknown package is the master\'s ERROR (exit 1)', async () => {
  const part = await runTool('piw-rebuild', [...queue(), '-y', 'sitemap']);
  expect(part.code).toBe(2);
  expect(part.stderr).toContain('invalid part "sitemap": choose from home, search, project, index');
  const none = await runTool('piw-rebuild', [...queue(), '-y']);
  expect(none.code).toBe(2);
  const unknown = await runTool('piw-rebuild', [...queue(), 'index', 'nope']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toContain('ERROR rebuild: the master refused the rebuild: unknown package nope');
  expect(world.events).toEqual([]);
});

test('a master that is not there is a clear error, exit 1', async () => {
  const r = await runTool('piw-rebuild', ['--import-queue', `${world.address}-nobody`, 'home']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`cannot reach the master at ${world.address}-nobody: no such socket; is piw-master running?`);
});

test('settings come from -c FILE ([rebuild] import_queue, yes) and PIW_IMPORT_QUEUE; -l FILE gets the information lines', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'piw-rebuild-'));
  try {
    const conf = join(dir, 'piwheels.conf');
    await writeFile(conf, `[master]\nimport_queue = ipc:///nowhere\n[rebuild]\nimport_queue = ${world.address}\nyes = true\n`);
    const log = join(dir, 'rebuild.log');
    expect(await runTool('piw-rebuild', ['-c', conf, '-l', log, 'project'])).toMatchObject({ code: 0, stdout: '' });
    expect(world.events).toEqual(['web REBUILD PROJECT baz', 'web REBUILD PROJECT foo-bar']);
    expect(await readFile(log, 'utf8')).toMatch(/INFO rebuild: the master queued the rebuild of project for every package\n/);
    const viaEnv = await runTool('piw-rebuild', ['home'], { env: toolEnv({ PIW_IMPORT_QUEUE: world.address }) });
    expect(viaEnv.code).toBe(0);
    expect(world.events.at(-1)).toBe('stats HOME');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
