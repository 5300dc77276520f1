/**
 * Mr Chase's IMPORT path (behaviours 86–95) through real ZeroMQ, the real File Juggler, Oracle and Scribe
 * on PostgreSQL: wheels land under simple/<pkg>/ with the right bytes, the build is in the database, the
 * pages are requested; every refusal says why and leaves nothing behind.
 */
import { mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendFile } from '../../../actors/file-sender/index.js';
import { eventually } from '../zmq/support.js';
import { importBuild, importOf, ask } from './support.js';
import { writeWheel, type TestWheel } from './wheels.js';
import { postgresBackend } from './backend.js';
import { startWorld, type World } from './world.js';

const backend = postgresBackend();
let world: World;
let dir: string;
let client: ReturnType<World['client']>;

beforeEach(async () => {
  world = await startWorld(backend.get());
  await world.seed({ abis: ['cp311', 'cp39'], versions: [['foo', '1.0'], ['bar', '2.0']] });
  dir = await mkdtemp(join(tmpdir(), 'piw-wheels-'));
  client = world.client();
});
afterEach(async () => {
  await client.close();
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

const paths = (...wheels: TestWheel[]) => Object.fromEntries(wheels.map((w) => [w.filename, w.path]));

describe('a valid IMPORT', () => {
  test('behaviours 91, 93: transfers each file, commits it under simple/<pkg>/, then logs the build as slave 0, asks for BOTH pages, DONE', async () => {
    const a = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl', { payload: 300_000 });
    const b = await writeWheel(dir, 'foo-1.0-py3-none-any.whl');
    const build = importOf([b.state, a.state], { slaveId: 42 });
    const trace = await importBuild(world, client, build, paths(a, b));
    expect(trace).toEqual([`SEND ${a.filename}`, `SEND ${b.filename}`, 'DONE']);
    expect(await readFile(join(world.output, 'simple', 'foo', a.filename))).toEqual(a.data);
    expect(await readFile(join(world.output, 'simple', 'foo', b.filename))).toEqual(b.data);
    expect(await world.builds()).toEqual([
      {
        build: 'foo 1.0 cp311 true 0',
        files: [`${a.filename} ${a.size} ${a.hash}`, `${b.filename} ${b.size} ${b.hash}`],
        output: 'Imported manually via piw-import',
      },
    ]);
    expect(world.events).toEqual(['web BOTH foo']);
    expect(await world.site()).toEqual(
      expect.arrayContaining(['simple/foo/', `simple/foo/${a.filename}`, `simple/foo/${b.filename}`, 'simple/foo/index.html', 'project/foo/index.html']),
    );
    expect((await readFile(join(world.output, 'simple', 'foo', 'index.html'), 'utf8'))).toContain(a.filename);
    expect(world.chase.sessions).toBe(0);
  });

  test('behaviour 91: an armv7l wheel is sent once and its armv6l twin is logged and linked', async () => {
    const arm = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_armv7l.whl');
    const trace = await importBuild(world, client, importOf([arm.state]), paths(arm));
    expect(trace).toEqual([`SEND ${arm.filename}`, 'DONE']);
    const twin = 'foo-1.0-cp311-cp311-linux_armv6l.whl';
    expect((await world.builds())[0]!.files).toEqual([`${twin} ${arm.size} ${arm.hash}`, `${arm.filename} ${arm.size} ${arm.hash}`]);
    expect(await readlink(join(world.output, 'simple', 'foo', twin))).toBe(arm.filename);
  });

  test('behaviour 94: a file that fails to verify is asked for again (re-EXPECTed) and then accepted', async () => {
    const good = await writeWheel(dir, 'foo-1.0-py3-none-any.whl');
    const bad = join(dir, 'corrupt');
    await writeFile(bad, Buffer.alloc(good.size, 0x55));
    const trace: string[] = [];
    let reply = await client.request({ verb: 'IMPORT', data: importOf([good.state]) });
    trace.push(`${reply.verb} ${reply.data}`);
    await sendFile({ address: world.fileQueue, slaveId: 0, path: bad });
    reply = await client.request({ verb: 'SENT' });
    trace.push(`${reply.verb} ${reply.data}`);
    await sendFile({ address: world.fileQueue, slaveId: 0, path: good.path });
    reply = await client.request({ verb: 'SENT' });
    trace.push(reply.verb);
    expect(trace).toEqual([`SEND ${good.filename}`, `SEND ${good.filename}`, 'DONE']);
    expect(await readFile(join(world.output, 'simple', 'foo', good.filename))).toEqual(good.data);
  });

  test('a file that keeps failing to verify is refused after three attempts, and nothing is committed', async () => {
    const good = await writeWheel(dir, 'foo-1.0-py3-none-any.whl');
    const bad = join(dir, 'corrupt');
    await writeFile(bad, Buffer.alloc(good.size, 0x55));
    const trace = [await ask(client, { verb: 'IMPORT', data: importOf([good.state]) })];
    for (let i = 0; i < 3; i++) {
      await sendFile({ address: world.fileQueue, slaveId: 0, path: bad });
      trace.push(await ask(client, { verb: 'SENT' }));
    }
    expect(trace).toEqual([
      `SEND ${good.filename}`,
      `SEND ${good.filename}`,
      `SEND ${good.filename}`,
      `ERROR transfer of ${good.filename} failed to verify 3 times`,
    ]);
    expect(await world.site()).not.toContain(`simple/foo/${good.filename}`);
    expect(await world.builds()).toEqual([]);
    expect(world.events).toEqual([]);
  });

  test('behaviour 95: the session is dropped after DONE and the same client can import again', async () => {
    const a = await writeWheel(dir, 'foo-1.0-py3-none-any.whl');
    expect(await importBuild(world, client, importOf([a.state]), paths(a))).toEqual([`SEND ${a.filename}`, 'DONE']);
    expect(world.chase.sessions).toBe(0);
    const b = await writeWheel(dir, 'bar-2.0-cp39-cp39-linux_x86_64.whl');
    expect(await importBuild(world, client, importOf([b.state], { pkg: 'bar', version: '2.0', abi: 'cp39' }), paths(b))).toEqual([
      `SEND ${b.filename}`,
      'DONE',
    ]);
    expect(await readFile(join(world.output, 'simple', 'bar', b.filename))).toEqual(b.data);
    expect(world.events).toEqual(['web BOTH foo', 'web BOTH bar']);
  });

  test('two importers at once each get their own files into their own package (one transfer slot)', async () => {
    const other = world.client();
    try {
      const a = await writeWheel(dir, 'foo-1.0-cp311-cp311-linux_x86_64.whl', { payload: 1_000_000 });
      const b = await writeWheel(dir, 'bar-2.0-cp39-cp39-linux_x86_64.whl', { payload: 1_000_000 });
      const [ta, tb] = await Promise.all([
        importBuild(world, client, importOf([a.state]), paths(a)),
        importBuild(world, other, importOf([b.state], { pkg: 'bar', version: '2.0', abi: 'cp39' }), paths(b)),
      ]);
      expect(ta).toEqual([`SEND ${a.filename}`, 'DONE']);
      expect(tb).toEqual([`SEND ${b.filename}`, 'DONE']);
      expect(await readFile(join(world.output, 'simple', 'foo', a.filename))).toEqual(a.data);
      expect(await readFile(join(world.output, 'simple', 'bar', b.filename))).toEqual(b.data);
      expect(world.chase.transferSlot).toMatchObject({ holder: undefined, waiting: 0 });
    } finally {
      await other.close();
    }
  });
});

describe('a refused IMPORT says why and changes nothing', () => {
  const refusals: [string, (w: TestWheel) => Parameters<typeof importOf>, string][] = [
    ['behaviour 87: a failed build', (w) => [[w.state], { status: false }], 'importing a failed build is not supported'],
    ['behaviour 88: no files', () => [[], {}], 'no files listed for import'],
    ['behaviour 89: an ABI the master does not build for', (w) => [[w.state], { abi: 'cp27mu' }], 'invalid ABI: cp27mu'],
    ['behaviour 90: an unknown version', (w) => [[w.state], { version: '9.9' }], 'unknown package version foo-9.9'],
    ['behaviour 90: an unknown package', (w) => [[w.state], { pkg: 'nope', version: '1.0' }], 'is not a file of package'],
    [
      'a hostile filename',
      (w) => [[['../../etc/foo-1.0-py3-none-any.whl', w.size, w.hash, 'foo', '1.0', 'py3', 'none', 'any', {}]], {}],
      'contains a path separator',
    ],
    ['tags that do not match the filename', (w) => [[[w.filename, w.size, w.hash, 'foo', '1.0', 'py2', 'none', 'any', {}]], {}], 'do not match its name'],
    ['a hash that is not SHA-256 hex', (w) => [[[w.filename, w.size, 'ABC', 'foo', '1.0', 'py3', 'none', 'any', {}]], {}], 'invalid hash'],
    ['a negative size', (w) => [[[w.filename, -1, w.hash, 'foo', '1.0', 'py3', 'none', 'any', {}]], {}], 'invalid size'],
    [
      'issue 11: an apt dependency that is a shell command',
      (w) => [[[w.filename, w.size, w.hash, 'foo', '1.0', 'py3', 'none', 'any', { apt: ['$(touch /tmp/PWNED)'] }]], {}],
      'invalid apt package name "$(touch /tmp/PWNED)"',
    ],
  ];
  test.each(refusals)('%s', async (_, make, message) => {
    const w = await writeWheel(dir, 'foo-1.0-py3-none-any.whl');
    const [files, overrides] = make(w);
    const reply = await ask(client, { verb: 'IMPORT', data: importOf(files, overrides) });
    expect(reply).toMatch(/^ERROR /);
    expect(reply).toContain(message);
    expect(await world.builds()).toEqual([]);
    expect(await world.site()).toEqual([]);
    expect(world.events).toEqual([]);
    expect(world.chase.sessions).toBe(0);
  });

  test('behaviour 86: SENT before any IMPORT is a protocol violation', async () => {
    expect(await ask(client, { verb: 'SENT' })).toBe('ERROR protocol violation');
    expect(world.chase.sessions).toBe(0);
  });

  test('behaviour 92: when LOGBUILD (after the last file is verified) fails, the tool is told the Oracle\'s own words; no build, no pages', async () => {
    await world.backend.admin(async (sql) => {
      await sql.unsafe(`CREATE FUNCTION refuse_build() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the disk is on fire'; END $$`);
      await sql.unsafe(`CREATE TRIGGER refuse_build BEFORE INSERT ON builds FOR EACH ROW EXECUTE FUNCTION refuse_build()`);
    });
    try {
      const w = await writeWheel(dir, 'foo-1.0-py3-none-any.whl');
      expect(await importBuild(world, client, importOf([w.state]), paths(w))).toEqual([`SEND ${w.filename}`, 'ERROR the disk is on fire']);
      expect(world.chase.transferSlot).toMatchObject({ holder: undefined });
      expect(await world.builds()).toEqual([]);
      expect(world.events).toEqual([]);
      // the verified file is where the File Juggler put it, on no page; the log says so
      expect(await world.site()).toEqual(['simple/foo/', `simple/foo/${w.filename}`]);
      expect(world.log.entries.map((e) => e.message)).toContainEqual(
        expect.stringContaining(`the disk is on fire (${w.filename} left in simple/foo/, listed on no page`),
      );
    } finally {
      await world.backend.admin(async (sql) => {
        await sql.unsafe('DROP TRIGGER refuse_build ON builds');
        await sql.unsafe('DROP FUNCTION refuse_build()');
      });
    }
  });

  test('a file the File Juggler will not take (EXPECT refused) is refused with its reason and releases the transfer slot', async () => {
    await world.close();
    world = await startWorld(backend.get(), { juggler: { maxFileSize: 1000 } });
    await world.seed({ abis: ['cp311'], versions: [['foo', '1.0']] });
    await client.close();
    client = world.client();
    const w = await writeWheel(dir, 'foo-1.0-py3-none-any.whl', { payload: 5000 });
    expect(await ask(client, { verb: 'IMPORT', data: importOf([w.state]) })).toBe(
      `ERROR refusing to expect a file from slave 0: "${w.filename}" is ${w.size} bytes, over the limit of 1000 bytes`,
    );
    expect(world.chase.transferSlot).toMatchObject({ holder: undefined });
    expect(await world.builds()).toEqual([]);
    expect(world.events).toEqual([]);
  });

  test('a tool that goes away after SEND leaves no build behind', async () => {
    await world.close();
    world = await startWorld(backend.get(), { chase: { clientTimeoutMs: 200 } });
    await world.seed({ abis: ['cp311'], versions: [['foo', '1.0']] });
    await client.close();
    client = world.client();
    const w = await writeWheel(dir, 'foo-1.0-py3-none-any.whl');
    expect(await ask(client, { verb: 'IMPORT', data: importOf([w.state]) })).toBe(`SEND ${w.filename}`);
    await eventually(() => world.chase.sessions === 0);
    expect(await world.builds()).toEqual([]);
    expect(await world.site()).toEqual([]);
    expect(world.events).toEqual([]);
  });
});
