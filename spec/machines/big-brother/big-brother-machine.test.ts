import { SimulatedClock, createActor, fromPromise, type AnyMachineSnapshot } from 'xstate';
import { bigBrotherMachine, type SearchIndex } from '../../../machines/big-brother/index.js';
import type { MachineFigures } from '../../../protocols/master-stats.js';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import { TimeDelta } from '../../../protocols/index.js';
import type { MasterStatsWire } from '../../../protocols/index.js';
import type { Statistics } from '../../../schema/api.js';
import { delayedEvents, doneEvent, errorEvent, exploreMachine } from '../support/coverage.js';

const T0 = new Date(Date.UTC(2024, 5, 1, 12));
const figures: MachineFigures = { memSize: 8, memFree: 4, swapSize: 2, swapFree: 1, loadAverage: 0.5, cpuTemp: 40 };
const statistics: Statistics = {
  builds_time: new TimeDelta(0, 90), builds_size: 1, packages_built: 7, files_count: 9, new_last_hour: 2,
  downloads_all: 1_000, downloads_last_month: 100, downloads_last_hour: 10, builds_last_hour: { cp311: 3 },
};

test('generated paths reach every state and transition of Big Brother (running and paused)', () => {
  const walk = (paused: (event: { type: string }) => boolean) =>
    exploreMachine(bigBrotherMachine.provide({ guards: { paused: ({ event }) => paused(event) } }), {
      input: { at: T0 },
      events: (s) => [
        { type: 'HOME' as const },
        { type: 'REPLAY' as const },
        { type: 'STATFS' as const, data: [10, 5] as [number, number] },
        { type: 'STATBQ' as const, data: { cp311: 3 } },
        doneEvent('readMachine', { value: figures, at: T0 }),
        errorEvent('readMachine', 'no /proc'),
        doneEvent('getStatistics', { value: statistics, at: T0 }),
        errorEvent('getStatistics', 'database away'),
        doneEvent('sendHome', undefined),
        errorEvent('sendHome', 'no Scribe'),
        doneEvent('getSearchIndex', { foo: [1, 2] }),
        errorEvent('getSearchIndex', 'database away'),
        doneEvent('sendSearch', undefined),
        errorEvent('sendSearch', 'no Scribe'),
        ...delayedEvents(s),
      ],
      serializeState: (s: AnyMachineSnapshot) =>
        JSON.stringify([s.value, s.context.homeAgain, s.context.searchAgain]),
    });
  // running; paused throughout; paused while the machine was being read
  const walks = [walk(() => false), walk(() => true), walk((e) => e.type === 'xstate.done.actor.readMachine')];
  const inAll = <T>(lists: T[][]) => lists[0]!.filter((x) => lists.every((l) => l.includes(x)));
  expect(inAll(walks.map((w) => w.unreachedStates))).toEqual([]);
  expect(inAll(walks.map((w) => w.untakenTransitions))).toEqual([]);
});

/** A live Big Brother on a simulated clock, its services answering at once. */
function live(opts: { paused?: () => boolean; homeFails?: boolean } = {}) {
  const clock = new SimulatedClock();
  const published: MasterStatsWire[] = [];
  const web: string[] = [];
  const lines: LogEntry[] = [];
  let reading = 0;
  const actor = createActor(
    bigBrotherMachine.provide({
      actors: {
        readMachine: fromPromise(async () => ({ value: { ...figures, memFree: ++reading }, at: new Date(T0.getTime() + reading) })),
        getStatistics: fromPromise(async () => {
          if (opts.homeFails) throw new Error('database away');
          return { value: statistics, at: T0 };
        }),
        getSearchIndex: fromPromise(async (): Promise<SearchIndex> => ({ foo: [1, 2] })),
        sendHome: fromPromise<void, MasterStatsWire>(async ({ input }) => void web.push(`HOME ${input[1]}`)),
        sendSearch: fromPromise<void, SearchIndex>(async ({ input }) => void web.push(`SEARCH ${Object.keys(input).join()}`)),
      },
      actions: { publish: (_, wire) => void published.push(wire), log: (_, line) => void lines.push(line) },
      guards: { paused: opts.paused ?? (() => false) },
    }),
    { clock, input: { at: T0, historySize: 2 } },
  );
  actor.start();
  return { actor, clock, published, web, lines };
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

test('each job runs at start, then an interval after its last run; the history keeps the last historySize', async () => {
  const b = live();
  await settle();
  expect(b.published.map((w) => w[14])).toEqual([1]); // mem_free (field 14) of reading 1
  expect(b.web).toEqual(['HOME 7', 'SEARCH foo']);
  for (let i = 0; i < 3; i++) {
    b.clock.increment(10_000);
    await settle();
  }
  expect(b.published.map((w) => w[14])).toEqual([1, 2, 3, 4]);
  expect(b.web).toEqual(['HOME 7', 'SEARCH foo', 'HOME 7']);
  b.published.length = 0;
  b.actor.send({ type: 'REPLAY' });
  expect(b.published.map((w) => w[14])).toEqual([3, 4]);
});

test('HOME runs the home and search jobs now; STATFS and STATBQ go into the next figures', async () => {
  const b = live();
  await settle();
  b.actor.send({ type: 'STATFS', data: [100, 40] });
  b.actor.send({ type: 'STATBQ', data: { cp311: 5 } });
  b.actor.send({ type: 'HOME' });
  await settle();
  expect(b.web).toEqual(['HOME 7', 'SEARCH foo', 'HOME 7', 'SEARCH foo']);
  b.clock.increment(10_000);
  await settle();
  const latest = b.published.at(-1)!;
  expect([latest[5], latest[11], latest[12]]).toEqual([{ cp311: 5 }, 100, 40]);
});

test('while paused a job that comes due only logs it; a failed job is logged and comes again', async () => {
  let paused = true;
  const b = live({ paused: () => paused });
  await settle();
  expect(b.published).toEqual([]);
  expect(b.web).toEqual([]);
  expect(b.lines.map((l) => l.message)).toEqual([
    'paused: not going to read the machine statistics',
    'paused: not going to update the home page',
    'paused: not going to update the search index',
  ]);
  paused = false;
  b.clock.increment(10_000);
  await settle();
  expect(b.published).toHaveLength(1);

  const f = live({ homeFails: true });
  await settle();
  expect(f.lines).toEqual([{ level: 'error', message: 'unable to update the home page: database away', error: new Error('database away') }]);
  f.clock.increment(30_000);
  await settle();
  expect(f.lines).toHaveLength(2);
});
