/**
 * The Architect under the root supervisor (behaviours 128–130, 17): the build-queue query through the
 * `buildQueue` port, QUEUE pushed on the builds queue, cancellation on shutdown; and beyond 0.18 the
 * REFRESH that Cloud Gazer pushes on the refresh queue, answered by a query soon, one at a time.
 */
import { createActor, toPromise, waitFor } from 'xstate';
import { architectTask, type BuildQueuePort } from '../../../actors/architect/index.js';
import { createBus, type Bus } from '../../../actors/runtime/bus.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { queues } from '../../../actors/runtime/queues.js';
import { supervisorMachine } from '../../../actors/runtime/supervisor.js';
import { eventually } from '../zmq/support.js';
import { Catalogue } from './support/catalogue.js';

type Queue = Record<string, [string, string][]>;

const day = (n: number) => new Date(Date.UTC(2024, 0, n));

function start(bus: Bus, buildQueue: BuildQueuePort, opts: { intervalMs?: number; limit?: number; refreshGapMs?: number } = {}) {
  const log = memoryLogger('master');
  const root = createActor(supervisorMachine, {
    input: { log, tasks: [{ id: 'the_architect', logic: architectTask, input: { bus, buildQueue, log: log.child('the_architect'), ...opts } }] },
  });
  root.start();
  const pushed: Queue[] = [];
  bus.listen(queues.builds, (msg) => pushed.push(msg.data as Queue));
  return { root, log, pushed, quit: async () => (root.send({ type: 'QUIT' }), toPromise(root)) };
}

describe('the Architect', () => {
  let db: Catalogue;
  beforeAll(async () => {
    db = await Catalogue.open();
  });
  beforeEach(async () => db.reset());
  afterAll(async () => db?.close());

  test('behaviour 128: queries at start and then every interval, pushing QUEUE {abi: [[pkg, ver], …]} oldest first', async () => {
    await db.addAbi('cp311');
    await db.addAbi('cp39');
    await db.addVersion('b', '1.0', day(2));
    await db.addVersion('a', '1.0', day(1));
    await db.addVersion('c', '2.0', day(3));
    const limits: number[] = [];
    const bus = createBus();
    const { pushed, quit } = start(bus, async (limit, signal) => (limits.push(limit), db.buildQueue(limit, signal)), { intervalMs: 20 });
    await eventually(() => pushed.length >= 1);
    expect(pushed[0]).toEqual({ cp311: [['a', '1.0'], ['b', '1.0'], ['c', '2.0']] });
    await db.addBuild('a', '1.0', 'cp311', ['none']);
    const seen = pushed.length;
    await eventually(() => pushed.length > seen);
    expect(pushed.at(-1)).toEqual({ cp311: [['b', '1.0'], ['c', '2.0']] });
    expect(limits[0]).toBe(100_000);
    await expect(quit()).resolves.toMatchObject({ failed: false });
  });

  test('behaviour 129: a new version is queued for the lowest ABI; after a build without an ABI-none file, for the next', async () => {
    await db.addAbi('cp34m');
    await db.addAbi('cp35m');
    await db.addVersion('foo', '0.1', day(1));
    const signal = new AbortController().signal;
    expect(await db.buildQueue(10, signal)).toEqual({ cp34m: [['foo', '0.1']] });
    await db.addBuild('foo', '0.1', 'cp34m', ['cp34m']);
    expect(await db.buildQueue(10, signal)).toEqual({ cp35m: [['foo', '0.1']] });
    await db.addBuild('foo', '0.1', 'cp35m', []);
    expect(await db.buildQueue(10, signal)).toEqual({});
  });

  test('A.2: a failure covers only the builder\'s ABI; a none wheel covers all; skipped rows and the limit are honoured', async () => {
    await db.addAbi('cp34m');
    await db.addAbi('cp35m');
    await db.addAbi('cp27mu', 'retired');
    await db.addVersion('fails', '1', day(1));
    await db.addVersion('pure', '1', day(2));
    await db.addVersion('skipme', '1', day(3), 'binary only');
    await db.addVersion('x', '1', day(4));
    await db.addVersion('y', '1', day(5));
    await db.addBuild('fails', '1', 'cp34m', []);
    await db.addBuild('pure', '1', 'cp34m', ['none']);
    const signal = new AbortController().signal;
    expect(await db.buildQueue(10, signal)).toEqual({ cp34m: [['x', '1'], ['y', '1']], cp35m: [['fails', '1']] });
    expect(await db.buildQueue(1, signal)).toEqual({ cp34m: [['x', '1']], cp35m: [['fails', '1']] });
  });

  test('behaviour 130: quitting during a long query cancels it, logs "Cancelled query during shutdown" and exits cleanly', async () => {
    const bus = createBus();
    let cancelled = false;
    let began = false;
    const slowQuery: BuildQueuePort = (_limit, signal) =>
      new Promise((_resolve, reject) => {
        began = true;
        signal.addEventListener('abort', () => {
          cancelled = true;
          reject(new Error('canceling statement due to user request'));
        });
      });
    const { root, log, pushed, quit } = start(bus, slowQuery);
    await waitFor(root, (s) => s.matches('running'));
    await eventually(() => began);
    await expect(quit()).resolves.toMatchObject({ failed: false });
    expect(cancelled).toBe(true);
    const lines = log.entries.map((e) => `${e.name}: ${e.message}`);
    expect(lines).toContain('master.the_architect: Cancelled query during shutdown');
    expect(lines.indexOf('master.the_architect: Cancelled query during shutdown')).toBeLessThan(lines.indexOf('master.the_architect: stopped'));
    expect(log.entries.filter((e) => e.level === 'error')).toEqual([]);
    expect(pushed).toEqual([]);
  });

  test('a failed query is logged and tried again at the next interval; the task keeps running', async () => {
    const bus = createBus();
    let calls = 0;
    const flaky: BuildQueuePort = async () => {
      if (++calls === 1) throw new Error('connection refused');
      return { cp311: [['a', '1.0']] };
    };
    const { log, pushed, quit } = start(bus, flaky, { intervalMs: 10 });
    await eventually(() => pushed.length === 1);
    expect(pushed[0]).toEqual({ cp311: [['a', '1.0']] });
    expect(log.entries.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      'build queue query failed (connection refused); trying again in 0.01 s',
    ]);
    await expect(quit()).resolves.toMatchObject({ failed: false });
  });

  test('behaviour 17: while paused no query runs; on RESUME it catches up', async () => {
    const bus = createBus();
    let calls = 0;
    const { root, pushed, quit } = start(bus, async () => (++calls, {}), { intervalMs: 10 });
    await eventually(() => calls >= 1);
    root.send({ type: 'PAUSE' });
    await eventually(() => pushed.length >= 1);
    const before = calls;
    // Many intervals pass while paused: at most the run already under way completes.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls - before).toBeLessThanOrEqual(1);
    const paused = calls;
    root.send({ type: 'RESUME' });
    await eventually(() => calls > paused);
    await expect(quit()).resolves.toMatchObject({ failed: false });
  });

  test('an empty queue is still pushed (every ABI then gets an empty list at the Slave Driver)', async () => {
    const bus = createBus();
    const { pushed, quit } = start(bus, async () => ({}));
    await eventually(() => pushed.length === 1);
    expect(pushed[0]).toEqual({});
    await quit();
  });
});

/** A query port whose every call the test answers: how many started, and the most at once. */
function heldQueries() {
  const calls: { answer: (queue: Queue) => void }[] = [];
  let active = 0;
  let most = 0;
  const port: BuildQueuePort = () =>
    new Promise((resolve) => {
      most = Math.max(most, ++active);
      calls.push({ answer: (queue) => (active--, resolve(queue)) });
    });
  return { port, calls, most: () => most };
}

/** Long enough that no minute's refresh comes during a test: every query after the first is REFRESH's. */
const HOUR = 3_600_000;
const refresh = (bus: Bus) => bus.push(queues.refresh, { verb: 'REFRESH' });

describe('the Architect and REFRESH (beyond 0.18)', () => {
  test('a REFRESH gets a query soon, long before the next interval, and the versions it announced are queued', async () => {
    const db = await Catalogue.open();
    await db.addAbi('cp311');
    await db.addVersion('a', '1.0', day(1));
    const bus = createBus();
    const { pushed, quit } = start(bus, db.buildQueue, { intervalMs: HOUR, refreshGapMs: 10 });
    await eventually(() => pushed.length === 1);
    await db.addVersion('b', '1.0', day(2));
    refresh(bus);
    await eventually(() => pushed.length === 2);
    expect(pushed[1]).toEqual({ cp311: [['a', '1.0'], ['b', '1.0']] });
    await expect(quit()).resolves.toMatchObject({ failed: false });
    await db.close();
  });

  test('REFRESHes during a query: never two queries at once, and exactly one more query after it', async () => {
    const bus = createBus();
    const q = heldQueries();
    const { pushed, quit } = start(bus, q.port, { intervalMs: HOUR, refreshGapMs: 0 });
    await eventually(() => q.calls.length === 1);
    // The versions were recorded while the first query ran: it may not show them.
    refresh(bus);
    refresh(bus);
    refresh(bus);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(q.calls).toHaveLength(1);
    q.calls[0]!.answer({ cp311: [['a', '1.0']] });
    await eventually(() => q.calls.length === 2);
    q.calls[1]!.answer({ cp311: [['a', '1.0'], ['b', '1.0']] });
    await eventually(() => pushed.length === 2);
    // The three REFRESHes were answered by one query; nothing else asks for another within the hour.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(q.calls).toHaveLength(2);
    expect(q.most()).toBe(1);
    expect(pushed[1]).toEqual({ cp311: [['a', '1.0'], ['b', '1.0']] });
    await expect(quit()).resolves.toMatchObject({ failed: false });
  });

  test('REFRESHes between queries are answered by one query', async () => {
    const bus = createBus();
    let calls = 0;
    const { pushed, quit } = start(bus, async () => (++calls, {}), { intervalMs: HOUR, refreshGapMs: 20 });
    await eventually(() => pushed.length === 1);
    for (let i = 0; i < 5; i++) refresh(bus);
    await eventually(() => pushed.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(2);
    await expect(quit()).resolves.toMatchObject({ failed: false });
  });

  test('behaviour 17: a REFRESH while paused runs no query; after RESUME one query answers it', async () => {
    const bus = createBus();
    let calls = 0;
    const { root, pushed, quit } = start(bus, async () => (++calls, {}), { intervalMs: HOUR, refreshGapMs: 0 });
    await eventually(() => pushed.length === 1);
    root.send({ type: 'PAUSE' });
    refresh(bus);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(1);
    root.send({ type: 'RESUME' });
    await eventually(() => calls === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(2);
    await expect(quit()).resolves.toMatchObject({ failed: false });
  });

  test('REFRESH costs at most one query per refresh gap: the first is answered at once, the next waits out the gap', async () => {
    const bus = createBus();
    let calls = 0;
    const { pushed, log, quit } = start(bus, async () => (++calls, {}), { intervalMs: HOUR, refreshGapMs: HOUR });
    await eventually(() => pushed.length === 1);
    // Right after the start's query: REFRESH's first query does not wait.
    refresh(bus);
    await eventually(() => pushed.length === 2);
    refresh(bus);
    await eventually(() => log.entries.filter((e) => e.message === 'REFRESH: new versions to build').length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls).toBe(2);
    // QUIT while a REFRESH waits out the gap stops at once, with no query after it.
    await expect(quit()).resolves.toMatchObject({ failed: false });
    expect(calls).toBe(2);
  });
});
