/**
 * Mr Chase's REMOVE path (behaviours 96–100) on the real Oracle, File Juggler and Scribe: the order is
 * mark skip → DELPKG/DELVER to the web queue → the same to the skip queue → delete the rows (or, with a
 * skip reason, only the builds); the wheels leave the site and the pages are rewritten; an unknown package
 * or version is refused with nothing touched.
 */
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DbClient } from '../../../actors/oracle/db-client.js';
import { TimeDelta } from '../../../protocols/cbor/index.js';
import { ask, importBuild, importOf } from './support.js';
import { writeWheel, type TestWheel } from './wheels.js';
import { postgresBackend } from './backend.js';
import { startWorld, type World } from './world.js';

const backend = postgresBackend();
let world: World;
let dir: string;
let client: ReturnType<World['client']>;
let wheels: Record<string, TestWheel>;

/** The database's view of package `pkg`: its skip, and each version's skip and builds. */
async function rows(pkg: string) {
  return world.backend.admin(async (sql) => ({
    package: (await sql<{ skip: string }[]>`SELECT skip FROM packages WHERE package = ${pkg}`).map((r) => r.skip),
    versions: (
      await sql<{ version: string; skip: string; builds: string }[]>`
        SELECT v.version, v.skip, COALESCE(string_agg(b.status::text, ',' ORDER BY b.build_id), '') AS builds
        FROM versions v LEFT JOIN builds b USING (package, version)
        WHERE v.package = ${pkg} GROUP BY v.version, v.skip ORDER BY v.version`
    ).map((r) => `${r.version} skip=${JSON.stringify(r.skip)} builds=[${r.builds}]`),
  }));
}

const exists = (path: string) => access(path).then(() => true, () => false);

beforeEach(async () => {
  world = await startWorld(backend.get());
  await world.seed({ abis: ['cp311'], versions: [['foo', '1.0'], ['foo', '2.0'], ['foo', '3.0'], ['bar', '1.0']] });
  dir = await mkdtemp(join(tmpdir(), 'piw-wheels-'));
  client = world.client();
  wheels = {};
  // foo 1.0 and 2.0 and bar 1.0 imported (files on disk), foo 3.0 failed to build
  for (const [pkg, ver] of [['foo', '1.0'], ['foo', '2.0'], ['bar', '1.0']] as const) {
    const w = await writeWheel(dir, `${pkg}-${ver}-cp311-cp311-linux_armv7l.whl`);
    wheels[`${pkg} ${ver}`] = w;
    expect(await importBuild(world, client, importOf([w.state], { pkg, version: ver }), { [w.filename]: w.path })).toEqual([`SEND ${w.filename}`, 'DONE']);
  }
  await new DbClient(world.bus).logBuild([1, 'foo', '3.0', 'cp311', false, new TimeDelta(0, 5, 0), 'it broke', []]);
  world.events.length = 0;
});
afterEach(async () => {
  await client.close();
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

/** What the database looked like as each web and skip message arrived. */
function watchOrder(pkg: string): string[] {
  const seen: string[] = [];
  world.onWeb = async (msg) => void seen.push(`web ${msg.verb}: ${JSON.stringify(await rows(pkg))}`);
  world.onSkip = async (msg) => void seen.push(`skip ${msg.verb}: ${JSON.stringify(await rows(pkg))}`);
  return seen;
}

test('behaviour 96: REMOVE [pkg, null, ""] deletes the package everywhere, after the web and skip queues were told', async () => {
  const before = await rows('foo');
  const seen = watchOrder('foo');
  expect(await ask(client, { verb: 'REMOVE', data: ['foo', null, ''] })).toBe('DONE');
  expect(world.events).toEqual(['web DELPKG foo', 'skip DELPKG foo']);
  // the rows were still there while the pages and queues were dealt with
  expect(seen).toEqual([`web DELPKG: ${JSON.stringify(before)}`, `skip DELPKG: ${JSON.stringify(before)}`]);
  expect(await rows('foo')).toEqual({ package: [], versions: [] });
  expect((await world.site()).filter((p) => p.includes('/foo/') || p.endsWith('/foo/'))).toEqual([]);
  expect(await exists(join(world.output, 'simple', 'foo'))).toBe(false);
  expect(await readFile(join(world.output, 'simple', 'index.html'), 'utf8')).not.toContain('foo');
  // bar is untouched
  expect(await readFile(join(world.output, 'simple', 'bar', wheels['bar 1.0']!.filename))).toEqual(wheels['bar 1.0']!.data);
  expect(world.chase.sessions).toBe(0);
});

test('behaviour 97: REMOVE [pkg, null, reason] marks the package to skip first, keeps its versions and failed builds, deletes the successful ones', async () => {
  const seen = watchOrder('foo');
  expect(await ask(client, { verb: 'REMOVE', data: ['foo', null, 'maintainer asked'] })).toBe('DONE');
  expect(world.events).toEqual(['web DELPKG foo', 'skip DELPKG foo']);
  expect(seen[0]).toContain('web DELPKG: {"package":["maintainer asked"]');
  expect(seen[1]).toContain('skip DELPKG: {"package":["maintainer asked"]');
  expect(seen[1]).toContain('1.0 skip=\\"\\" builds=[true]');
  expect(await rows('foo')).toEqual({
    package: ['maintainer asked'],
    versions: ['1.0 skip="" builds=[]', '2.0 skip="" builds=[]', '3.0 skip="" builds=[false]'],
  });
  expect(await exists(join(world.output, 'simple', 'foo', wheels['foo 1.0']!.filename))).toBe(false);
  expect(await exists(join(world.output, 'simple', 'foo', wheels['foo 2.0']!.filename))).toBe(false);
});

test('behaviour 98: REMOVE [pkg, ver, ""] deletes that version after the web and skip queues were told; the others stay', async () => {
  const before = await rows('foo');
  const seen = watchOrder('foo');
  expect(await ask(client, { verb: 'REMOVE', data: ['foo', '1.0', ''] })).toBe('DONE');
  expect(world.events).toEqual(['web DELVER foo 1.0', 'skip DELVER foo 1.0']);
  expect(seen).toEqual([`web DELVER: ${JSON.stringify(before)}`, `skip DELVER: ${JSON.stringify(before)}`]);
  expect(await rows('foo')).toEqual({ package: [''], versions: ['2.0 skip="" builds=[true]', '3.0 skip="" builds=[false]'] });
  const one = wheels['foo 1.0']!.filename;
  const two = wheels['foo 2.0']!.filename;
  expect(await exists(join(world.output, 'simple', 'foo', one))).toBe(false);
  expect(await exists(join(world.output, 'simple', 'foo', one.replace('armv7l', 'armv6l')))).toBe(false);
  expect(await readFile(join(world.output, 'simple', 'foo', two))).toEqual(wheels['foo 2.0']!.data);
  const index = await readFile(join(world.output, 'simple', 'foo', 'index.html'), 'utf8');
  expect(index).not.toContain(one);
  expect(index).toContain(two);
});

test('behaviour 99: REMOVE [pkg, ver, reason] marks the version to skip first, then deletes only its builds', async () => {
  const seen = watchOrder('foo');
  expect(await ask(client, { verb: 'REMOVE', data: ['foo', '2.0', 'broken upstream'] })).toBe('DONE');
  expect(world.events).toEqual(['web DELVER foo 2.0', 'skip DELVER foo 2.0']);
  for (const line of seen) expect(line).toContain('2.0 skip=\\"broken upstream\\" builds=[true]');
  expect(await rows('foo')).toEqual({
    package: [''],
    versions: ['1.0 skip="" builds=[true]', '2.0 skip="broken upstream" builds=[]', '3.0 skip="" builds=[false]'],
  });
  expect(await exists(join(world.output, 'simple', 'foo', wheels['foo 2.0']!.filename))).toBe(false);
  expect(await exists(join(world.output, 'simple', 'foo', wheels['foo 1.0']!.filename))).toBe(true);
});

test('behaviour 100: an unknown package or version is refused and nothing is touched', async () => {
  const before = { foo: await rows('foo'), site: await world.site() };
  expect(await ask(client, { verb: 'REMOVE', data: ['nope', null, ''] })).toBe('ERROR unknown package nope');
  expect(await ask(client, { verb: 'REMOVE', data: ['nope', null, 'reason'] })).toBe('ERROR unknown package nope');
  expect(await ask(client, { verb: 'REMOVE', data: ['foo', '9.9', ''] })).toBe('ERROR unknown package version foo-9.9');
  expect(await ask(client, { verb: 'REMOVE', data: ['foo', '9.9', 'reason'] })).toBe('ERROR unknown package version foo-9.9');
  expect(world.events).toEqual([]);
  expect({ foo: await rows('foo'), site: await world.site() }).toEqual(before);
  expect(world.chase.sessions).toBe(0);
});

test('a removal whose web queue is not served is refused with the reason, before any row is deleted', async () => {
  const before = await rows('foo');
  world.onWeb = async () => {
    throw new Error('the Secretary is on strike');
  };
  const reply = await ask(client, { verb: 'REMOVE', data: ['foo', '1.0', ''] });
  expect(reply).toMatch(/^ERROR .*the Secretary is on strike/);
  expect(world.events).toEqual(['web DELVER foo 1.0']);
  expect(await rows('foo')).toEqual(before);
});
