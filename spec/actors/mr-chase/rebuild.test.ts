/**
 * Mr Chase's REBUILD path (behaviours 101–103): HOME and SEARCH become Big Brother's HOME; PROJECT and
 * BOTH go to the web queue for one known package or for every package; an unknown package is refused.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ask } from './support.js';
import { postgresBackend } from './backend.js';
import { startWorld, type World } from './world.js';

const backend = postgresBackend();
let world: World;
let client: ReturnType<World['client']>;

beforeEach(async () => {
  world = await startWorld(backend.get());
  await world.seed({ versions: [['foo', '1.0'], ['bar', '2.0']], packages: ['baz'] });
  client = world.client();
});
afterEach(async () => {
  await client.close();
  await world.close();
});

test('behaviour 101: REBUILD HOME and REBUILD SEARCH both push HOME to the stats queue', async () => {
  expect(await ask(client, { verb: 'REBUILD', data: ['HOME'] })).toBe('DONE');
  expect(await ask(client, { verb: 'REBUILD', data: ['SEARCH'] })).toBe('DONE');
  expect(world.events).toEqual(['stats HOME', 'stats HOME']);
});

test('behaviour 102: REBUILD PROJECT / BOTH of a known package sends that request to the web queue (as REBUILD: at once) and the pages are written', async () => {
  expect(await ask(client, { verb: 'REBUILD', data: ['PROJECT', 'foo'] })).toBe('DONE');
  expect(await ask(client, { verb: 'REBUILD', data: ['BOTH', 'bar'] })).toBe('DONE');
  expect(world.events).toEqual(['web REBUILD PROJECT foo', 'web REBUILD BOTH bar']);
  expect(await world.site()).toEqual([
    'project/bar/', 'project/bar/index.html', 'project/bar/json/', 'project/bar/json/index.json',
    'project/foo/', 'project/foo/index.html', 'project/foo/json/', 'project/foo/json/index.json',
    'simple/bar/', 'simple/bar/index.html', 'simple/bar/index.json',
  ]);
  expect(await readFile(join(world.output, 'simple', 'index.html'), 'utf8')).toContain('bar');
});

test('behaviour 102: REBUILD of an unknown package is refused and nothing is requested', async () => {
  expect(await ask(client, { verb: 'REBUILD', data: ['PROJECT', 'nope'] })).toBe('ERROR unknown package nope');
  expect(await ask(client, { verb: 'REBUILD', data: ['BOTH', 'nope'] })).toBe('ERROR unknown package nope');
  expect(world.events).toEqual([]);
  expect(world.chase.sessions).toBe(0);
});

test('behaviour 103: REBUILD [part, null] requests that part for every package', async () => {
  expect(await ask(client, { verb: 'REBUILD', data: ['BOTH', null] })).toBe('DONE');
  expect(world.events).toEqual(['web REBUILD BOTH bar', 'web REBUILD BOTH baz', 'web REBUILD BOTH foo']);
  world.events.length = 0;
  expect(await ask(client, { verb: 'REBUILD', data: ['PROJECT', null] })).toBe('DONE');
  expect(world.events).toEqual(['web REBUILD PROJECT bar', 'web REBUILD PROJECT baz', 'web REBUILD PROJECT foo']);
  for (const pkg of ['bar', 'baz', 'foo']) expect(await world.site()).toContain(`simple/${pkg}/index.html`);
});

test('a rebuild of every package stops at the first page request that fails, and says why', async () => {
  world.onWeb = async (msg) => {
    if (msg.verb === 'REBUILD' && msg.data[1] === 'baz') throw new Error('no room on the disk');
  };
  const reply = await ask(client, { verb: 'REBUILD', data: ['PROJECT', null] });
  expect(reply).toMatch(/^ERROR .*no room on the disk/);
  expect(world.events).toEqual(['web REBUILD PROJECT bar', 'web REBUILD PROJECT baz']);
});
