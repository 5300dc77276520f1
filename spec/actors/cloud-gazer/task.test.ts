/**
 * The Cloud Gazer task (behaviours 104–116 through the task, 17): under the root supervisor, with a fake
 * PyPI over real HTTP, the database on the test PostgreSQL behind Seraph and the Oracles, and recording
 * Secretary (web queue) and Slave Driver (skip queue) on the bus. Polls store what PyPI said; a failed poll
 * is logged and retried; --dev-mode adds new packages skipped and holds no event back; QUIT during a slow
 * PyPI answer stops at once. Beyond 0.18: a poll that recorded a version to build says REFRESH to the
 * Architect (refresh queue).
 */
import { cloudGazerTask } from '../../../actors/cloud-gazer/task.js';
import type { Bus } from '../../../actors/runtime/bus.js';
import { queues } from '../../../actors/runtime/queues.js';
import { databaseOnBus, eventually, quitAll, supervise, type DatabaseOnBus } from '../master/support/world.js';
import { FakePyPI, type Row } from './fake-pypi.js';

const T = 1_700_000_000;
const S = 20_000_000;

let world: DatabaseOnBus;
let pypi: FakePyPI;
let q: ReturnType<typeof queuesOf>;

beforeAll(async () => {
  world = await databaseOnBus('postgres');
});
afterAll(async () => {
  await world.close();
});
beforeEach(async () => {
  await world.backend.reset();
  pypi = await FakePyPI.start();
  q = queuesOf(world.bus);
});
afterEach(async () => {
  await quitAll();
  q.close();
  await pypi.close();
});

/** The Secretary's, the Slave Driver's and the Architect's ends: record what Cloud Gazer asks and answer. */
function queuesOf(bus: Bus) {
  const web: string[] = [];
  const skip: string[] = [];
  const refreshes: string[] = [];
  const unlistenRefresh = bus.listen(queues.refresh, (msg) => refreshes.push(msg.verb));
  const show = (msg: { verb: string; data: unknown }) => `${msg.verb} ${Array.isArray(msg.data) ? msg.data.join(' ') : String(msg.data)}`;
  let unserveWeb = bus.serve(queues.web, (msg) => (web.push(show(msg)), { verb: 'DONE' }));
  const unserveSkip = bus.serve(queues.skip, (msg) => (skip.push(show(msg)), { verb: 'OK' }));
  return {
    web,
    skip,
    refreshes,
    dropWeb: () => unserveWeb(),
    serveWeb: () => void (unserveWeb = bus.serve(queues.web, (msg) => (web.push(show(msg)), { verb: 'DONE' }))),
    close() {
      unserveWeb();
      unserveSkip();
      unlistenRefresh();
    },
  };
}

/** A clock ten seconds later at every look, so PyPIEvents' 10 s back-off never holds a test up. */
function hurryingClock() {
  let ms = Date.UTC(2024, 0, 1);
  return { now: () => (ms += 10_000) };
}

function rows(events: [pkg: string, version: string | null, action: string][], flush = true): Row[] {
  const out: Row[] = events.map(([pkg, version, action], i) => [pkg, version, T + i, action, S + i]);
  // 0.18's buffer lets events through once a later one is 5 minutes newer.
  if (flush) out.push(['flush', null, T + 600, 'remove Owner nobody', S + events.length]);
  return out;
}

function start(input: Record<string, unknown> = {}) {
  return supervise([
    {
      id: 'cloud_gazer',
      logic: cloudGazerTask,
      input: { bus: world.bus, pypiXmlrpc: pypi.url, pypiJson: pypi.url, intervalMs: 1, clock: hurryingClock(), ...input },
    },
  ]);
}

describe('the Cloud Gazer task', () => {
  test('behaviours 104, 106, 108, 115: polls PyPI and stores new packages and versions, asks for pages, stores the serial', async () => {
    pypi.rows = rows([
      ['foo', null, 'create'],
      ['foo', '1.0', 'add source file foo-1.0.tar.gz'],
    ]);
    pypi.json.set('foo', { summary: 'Foo things' });
    const run = start();
    await run.running();
    const { db } = world.backend;
    await eventually(async () => (await db.getPypiSerial()) === S + 2);
    expect(await db.getAllPackages()).toEqual(new Set(['foo']));
    expect(await db.getPackageDescription('foo')).toBe('Foo things');
    expect(await db.getVersionSkip('foo', '1.0')).toBe('');
    expect(q.web).toEqual(['BOTH foo', 'BOTH foo']);
    expect(run.lines('master.cloud_gazer')).toContain('acted on 2 PyPI events; serial is now 20000002');
    await run.quit();
  });

  test('behaviours 116 and --dev-mode: new packages are skipped "development mode" and no event is held back', async () => {
    pypi.rows = rows([['foo', null, 'create'], ['foo', '1.0', 'add source file foo-1.0.tar.gz']], false);
    const run = start({ devMode: true });
    await run.running();
    const { db, admin } = world.backend;
    await eventually(async () => (await db.getPypiSerial()) === S + 2);
    const [row] = await admin((sql) => sql`SELECT skip FROM packages WHERE package = 'foo'`);
    expect(row).toEqual({ skip: 'development mode' });
    expect(await db.testPackageVersion('foo', '1.0')).toBe(true);
    await run.quit();
  });

  test('behaviours 112, 113: removals go to the web and skip queues before the database forgets them', async () => {
    const { db } = world.backend;
    await db.addNewPackage('foo');
    await db.addNewPackageVersion('foo', '1.0', new Date(T * 1000));
    await db.addNewPackage('bar');
    pypi.rows = rows([['foo', '1.0', 'remove release'], ['bar', null, 'remove project']]);
    const run = start();
    await run.running();
    await eventually(async () => (await db.getPypiSerial()) === S + 2);
    expect(q.web).toEqual(['DELVER foo 1.0', 'DELPKG bar']);
    expect(q.skip).toEqual(['DELVER foo 1.0', 'DELPKG bar']);
    expect(await db.testPackageVersion('foo', '1.0')).toBe(false);
    expect(await db.testPackage('bar')).toBe(false);
    await run.quit();
  });

  test('a poll that fails (the Secretary away) is logged and tried again until the batch is stored', async () => {
    q.dropWeb();
    pypi.rows = rows([['foo', null, 'create']]);
    const run = start();
    await run.running();
    await eventually(() => run.lines('master.cloud_gazer', 'error').length >= 1);
    expect(run.lines('master.cloud_gazer', 'error')[0]).toMatch(/^poll failed: no server on queue web; trying again in 0\.001 s$/);
    const { db } = world.backend;
    q.serveWeb();
    await eventually(async () => (await db.getPypiSerial()) === S + 1);
    expect(await db.getAllPackages()).toEqual(new Set(['foo']));
    await expect(run.quit()).resolves.toMatchObject({ failed: false });
  });

  test('beyond 0.18: a poll that recorded a version with a source file tells the Architect once (REFRESH)', async () => {
    pypi.rows = rows([
      ['foo', null, 'create'],
      ['foo', '1.0', 'add source file foo-1.0.tar.gz'],
      ['foo', '2.0', 'add source file foo-2.0.tar.gz'],
    ]);
    const run = start();
    await run.running();
    await eventually(() => q.refreshes.length >= 1);
    expect(await world.backend.db.testPackageVersion('foo', '2.0')).toBe(true);
    // Later polls read nothing new and say nothing more.
    const polls = pypi.changelogCalls.length;
    await eventually(() => pypi.changelogCalls.length >= polls + 2);
    expect(q.refreshes).toEqual(['REFRESH']);
    await run.quit();
  });

  test('beyond 0.18: packages and binary-only versions are no REFRESH; a source for a binary-only version is', async () => {
    const binaryOnly: Row[] = [
      ['bar', null, T, 'create', S],
      ['bar', '1.0', T + 1, 'add py3 file bar-1.0-py3-none-any.whl', S + 1],
      ['bar', '1.0', T + 2, 'yank release', S + 2],
    ];
    pypi.rows = [...binaryOnly, ['flush', null, T + 600, 'remove Owner nobody', S + 3]];
    const run = start();
    await run.running();
    const { db } = world.backend;
    await eventually(async () => (await db.getVersionSkip('bar', '1.0')) === 'binary only' && (await db.getPypiSerial()) >= S + 2);
    const polls = pypi.changelogCalls.length;
    await eventually(() => pypi.changelogCalls.length >= polls + 2);
    expect(q.refreshes).toEqual([]);

    // The sdist comes: the version is no longer skipped, and may be built.
    pypi.rows = [
      ...pypi.rows,
      ['bar', '1.0', T + 700, 'add source file bar-1.0.tar.gz', S + 4],
      ['flush', null, T + 1400, 'remove Owner nobody', S + 5],
    ];
    await eventually(async () => (await db.getVersionSkip('bar', '1.0')) === '');
    await eventually(() => q.refreshes.length >= 1);
    expect(q.refreshes).toEqual(['REFRESH']);
    await run.quit();
  });

  test('QUIT during a slow PyPI answer stops the task at once and logs no error', async () => {
    pypi.xmlrpc = { kind: 'slow', ms: 60_000 };
    const run = start();
    await run.running();
    await eventually(() => pypi.changelogCalls.length >= 1);
    await expect(run.quit()).resolves.toMatchObject({ failed: false });
    expect(run.lines('master.cloud_gazer', 'error')).toEqual([]);
    expect(run.lines('master.cloud_gazer')).toContain('stopped');
  });
});
