/**
 * Big Brother on the bus (behaviours 157–163, 18): STATS on the status queue with fresh machine figures and
 * a history of 100, HOME and SEARCH to the web queue from the database's figures, STATFS / STATBQ / HOME
 * on the stats queue, the control STATS replay, nothing while paused, failures logged and survived; and
 * GETSTATS through a DbClient on the test PostgreSQL.
 */
import { bigBrotherControlQueue, bigBrotherTask, type MachineFigures } from '../../../actors/big-brother/index.js';
import { createBus, type Bus } from '../../../actors/runtime/bus.js';
import { queues } from '../../../actors/runtime/queues.js';
import { TimeDelta } from '../../../protocols/index.js';
import type { MasterStatsWire } from '../../../protocols/index.js';
import type { Statistics } from '../../../schema/api.js';
import { build, wheel } from '../../schema/builders.js';
import { databaseOnBus, eventually, quitAll, supervise } from '../master/support/world.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);

/** A machine whose figures change at every reading: reading n has mem_free n. */
function countingMachine() {
  let n = 0;
  const read = async (): Promise<MachineFigures> => {
    n++;
    return { memSize: 8_000, memFree: n, swapSize: 1_000, swapFree: 500, loadAverage: 0.25 * n, cpuTemp: 40 + n };
  };
  return { read, readings: () => n };
}

const figures = (over: Partial<Statistics> = {}): Statistics => ({
  builds_time: new TimeDelta(0, 90),
  builds_size: 123_456,
  packages_built: 7,
  files_count: 9,
  new_last_hour: 2,
  downloads_all: 1_000,
  downloads_last_month: 100,
  downloads_last_hour: 10,
  builds_last_hour: { cp311: 3 },
  ...over,
});

class FakeDb {
  calls: string[] = [];
  stats = figures();
  search: Record<string, [number, number]> = { foo: [5, 50] };
  failNext: string | null = null;
  private note(verb: string) {
    this.calls.push(verb);
    if (this.failNext === verb) {
      this.failNext = null;
      throw new Error(`database away during ${verb}`);
    }
  }
  async getStatistics() {
    this.note('GETSTATS');
    return this.stats;
  }
  async getSearchIndex() {
    this.note('GETSEARCH');
    return this.search;
  }
}

/** Everything Big Brother sends: status publications and web requests (answered DONE). */
function observe(bus: Bus) {
  const status: MasterStatsWire[] = [];
  const web: { verb: string; data: unknown }[] = [];
  bus.subscribe(queues.status, (msg) => {
    if (msg.verb === 'STATS') status.push(msg.data);
  });
  bus.serve(queues.web, (msg) => {
    web.push(msg);
    return { verb: 'DONE' };
  });
  return { status, web, home: () => web.filter((m) => m.verb === 'HOME').map((m) => m.data as MasterStatsWire), search: () => web.filter((m) => m.verb === 'SEARCH') };
}

function start(bus: Bus, input: Record<string, unknown>) {
  return supervise([{ id: 'big_brother', logic: bigBrotherTask, input: { bus, now: () => new Date(T0), ...input } }]);
}

afterEach(quitAll);

describe('Big Brother', () => {
  test('behaviour 157: STATS with fresh memory, swap, load and temperature on the status queue at every interval', async () => {
    const bus = createBus();
    const seen = observe(bus);
    const machine = countingMachine();
    const run = start(bus, { machine: machine.read, db: new FakeDb(), statsIntervalMs: 1, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
    await run.running();
    await eventually(() => seen.status.length >= 3);
    const [first, , third] = seen.status;
    expect(first!.slice(13)).toEqual([8_000, 1, 1_000, 500, 0.25, 41]);
    expect(third!.slice(13)).toEqual([8_000, 3, 1_000, 500, 0.75, 43]);
    expect(first![0]).toEqual(new Date(T0));
    await run.quit();
  });

  test('behaviour 158: HOME to the web queue with the database figures merged into the stats', async () => {
    const bus = createBus();
    const seen = observe(bus);
    const db = new FakeDb();
    const run = start(bus, { machine: countingMachine().read, db, statsIntervalMs: HOUR, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
    await run.running();
    await eventually(() => seen.home().length === 1);
    const [home] = seen.home();
    expect(home!.slice(0, 11)).toEqual([new Date(T0), 7, { cp311: 3 }, new TimeDelta(0, 90), 123_456, {}, 2, 9, 10, 100, 1_000]);
    await run.quit();
  });

  test('behaviour 159: SEARCH to the web queue with the search index from GETSEARCH', async () => {
    const bus = createBus();
    const seen = observe(bus);
    const run = start(bus, { machine: countingMachine().read, db: new FakeDb(), statsIntervalMs: HOUR, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
    await run.running();
    await eventually(() => seen.search().length === 1);
    expect(seen.search()).toEqual([{ verb: 'SEARCH', data: { foo: [5, 50] } }]);
    await run.quit();
  });

  test('behaviours 160, 161: STATFS and STATBQ update the stats; HOME on the stats queue forces the home page and search index', async () => {
    const bus = createBus();
    const seen = observe(bus);
    const db = new FakeDb();
    const run = start(bus, { machine: countingMachine().read, db, statsIntervalMs: HOUR, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
    await run.running();
    await eventually(() => seen.home().length === 1 && seen.search().length === 1);
    bus.push(queues.stats, { verb: 'STATFS', data: [1_000_000, 250_000] });
    bus.push(queues.stats, { verb: 'STATBQ', data: { cp311: 12, cp39: 4 } });
    bus.push(queues.stats, { verb: 'HOME' });
    await eventually(() => seen.home().length === 2 && seen.search().length === 2);
    const home = seen.home()[1]!;
    expect(home[5]).toEqual({ cp311: 12, cp39: 4 });
    expect(home.slice(11, 13)).toEqual([1_000_000, 250_000]);
    expect(db.calls.filter((c) => c === 'GETSTATS')).toHaveLength(2);
    await run.quit();
  });

  test('behaviour 163: control STATS replays the history, oldest first; the history keeps the last 100', async () => {
    const bus = createBus();
    const seen = observe(bus);
    const machine = countingMachine();
    const run = start(bus, { machine: machine.read, db: new FakeDb(), statsIntervalMs: 0, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
    await run.running();
    await eventually(() => seen.status.length >= 105);
    run.pause();
    await eventually(() => run.lines('master.big_brother', 'debug').includes('paused: not going to read the machine statistics'));
    const published = seen.status.length;
    const last100 = seen.status.slice(published - 100);
    bus.push(bigBrotherControlQueue, { verb: 'STATS' });
    await eventually(() => seen.status.length === published + 100);
    expect(seen.status.slice(published)).toEqual(last100);
    await run.quit();
  });

  test('behaviour 162: while paused none of the three jobs does anything, even when forced; RESUME brings them back', async () => {
    const bus = createBus();
    const seen = observe(bus);
    const db = new FakeDb();
    const run = start(bus, { machine: countingMachine().read, db, statsIntervalMs: 1, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
    await run.running();
    await eventually(() => seen.home().length === 1 && seen.search().length === 1 && seen.status.length >= 1);
    run.pause();
    await eventually(() => run.lines('master.big_brother', 'debug').includes('paused: not going to read the machine statistics'));
    const before = { status: seen.status.length, web: seen.web.length, db: db.calls.length };
    bus.push(queues.stats, { verb: 'HOME' });
    const debug = () => run.lines('master.big_brother', 'debug');
    await eventually(() => debug().includes('paused: not going to update the home page') && debug().includes('paused: not going to update the search index'));
    expect({ status: seen.status.length, web: seen.web.length, db: db.calls.length }).toEqual(before);
    run.resume();
    await eventually(() => seen.status.length > before.status);
    bus.push(queues.stats, { verb: 'HOME' });
    await eventually(() => seen.home().length === 2 && seen.search().length === 2);
    await run.quit();
  });

  test('a failing job is logged and the task carries on (the database away, the machine unreadable)', async () => {
    const bus = createBus();
    const seen = observe(bus);
    const db = new FakeDb();
    db.failNext = 'GETSTATS';
    let broken = true;
    const machine = async () => {
      if (broken) throw new Error('/proc/meminfo lacks MemTotal');
      return countingMachine().read();
    };
    const run = start(bus, { machine, db, statsIntervalMs: 1, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
    await run.running();
    await eventually(() => run.lines('master.big_brother', 'error').length >= 2);
    const errors = run.lines('master.big_brother', 'error');
    expect(errors).toContain('unable to update the home page: database away during GETSTATS');
    expect(errors).toContain('unable to read the machine statistics: /proc/meminfo lacks MemTotal');
    broken = false;
    await eventually(() => seen.status.length >= 1);
    bus.push(queues.stats, { verb: 'HOME' });
    await eventually(() => seen.home().length === 1);
    await expect(run.quit()).resolves.toMatchObject({ failed: false });
  });

  test('the default machine reader gives this machine real figures', async () => {
    const bus = createBus();
    const seen = observe(bus);
    const run = start(bus, { db: new FakeDb(), statsIntervalMs: HOUR, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
    await run.running();
    await eventually(() => seen.status.length === 1);
    const [, , , , , , , , , , , , , memSize, memFree, , , load] = seen.status[0]!;
    expect(memSize).toBeGreaterThan(0);
    expect(memFree).toBeGreaterThan(0);
    expect(memFree).toBeLessThanOrEqual(memSize);
    expect(load).toBeGreaterThanOrEqual(0);
    await run.quit();
  });
});

describe('Big Brother on the database', () => {
  test('behaviour 158: HOME carries GETSTATS from PostgreSQL through Seraph and the Oracles', async () => {
    const world = await databaseOnBus('postgres');
    try {
      const { db, admin } = world.backend;
      await admin((sql) => sql`INSERT INTO build_abis (abi_tag) VALUES ('cp311')`);
      await db.addNewPackage('foo');
      await db.addNewPackageVersion('foo', '1.0', new Date());
      await db.logBuild(build('foo', '1.0', 'cp311', [wheel('foo', '1.0')]));
      const seen = observe(world.bus);
      const run = start(world.bus, { machine: countingMachine().read, statsIntervalMs: HOUR, homeIntervalMs: HOUR, searchIntervalMs: HOUR });
      await run.running();
      await eventually(() => seen.home().length === 1 && seen.search().length === 1);
      const home = seen.home()[0]!;
      expect(home[1]).toBe(1); // packages built
      expect(home[2]).toEqual({ cp311: 1 }); // builds in the last hour
      expect(home[7]).toBe(1); // files
      expect(seen.search()[0]!.data).toEqual({ foo: [0, 0] });
      await run.quit();
    } finally {
      await world.close();
    }
  });
});
