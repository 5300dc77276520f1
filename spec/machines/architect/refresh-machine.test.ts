/**
 * The Architect's refresh cycle as a pure machine (behaviours 15, 17, 128–130, REFRESH beyond 0.18): every
 * state and transition reached by generated paths, and the REFRESH rules driven on a live actor whose
 * query, gate and push the test holds and answers.
 */
import { createActor, fromPromise, waitFor, type SnapshotFrom } from 'xstate';
import {
  architectRefreshMachine,
  type BuildQueue,
} from '../../../machines/architect/index.js';
import { CancelledError } from '../../../machines/common/cancelled.js';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import { NotProvidedError } from '../../../machines/common/not-provided.js';
import { delayedEvents, doneEvent, errorEvent, expectFullCoverage } from '../support/coverage.js';

const queue: BuildQueue = { cp311: [['a', '1.0']] };

test('generated paths reach every state and every transition of the refresh cycle', () => {
  const report = expectFullCoverage(architectRefreshMachine, {
    input: {},
    events: (s) => [
      { type: 'REFRESH' },
      doneEvent('whenRunning', undefined),
      errorEvent('whenRunning', new CancelledError('waiting for RESUME')),
      errorEvent('whenRunning', new Error('bug')),
      doneEvent('buildQueue', queue),
      errorEvent('buildQueue', new Error('connection refused')),
      errorEvent('buildQueue', new CancelledError('the build queue query')),
      doneEvent('publish', true),
      doneEvent('publish', false),
      ...delayedEvents(s),
    ],
    serializeState: (s: SnapshotFrom<typeof architectRefreshMachine>) =>
      JSON.stringify([s.value, s.status, s.context.wanted, s.context.forRefresh]),
  });
  // The shortest way to a query of REFRESH's own: REFRESH during the start's query, which then fails
  // (failed or not, a query that may predate the versions asks for one more), and the gate.
  const forced = report.paths.find((p) => p.state.includes('"querying"') && p.state.endsWith('false,true]'));
  expect(forced?.events.map((e) => e.type)).toEqual([
    'xstate.done.actor.whenRunning',
    'REFRESH',
    'xstate.error.actor.buildQueue',
    'xstate.done.actor.whenRunning',
  ]);
});

/** A live machine whose every query, gate and push the test sees; queries are held until answered. */
function live(opts: { refreshGapMs?: number; intervalMs?: number } = {}) {
  const queries: { answer: (q: BuildQueue) => void; fail: (err: unknown) => void }[] = [];
  const pushed: BuildQueue[] = [];
  const logs: LogEntry[] = [];
  let paused = false;
  let resume = () => {};
  let accept = true;
  const machine = architectRefreshMachine.provide({
    actors: {
      whenRunning: fromPromise(() => (paused ? new Promise<void>((resolve) => (resume = resolve)) : Promise.resolve())),
      buildQueue: fromPromise<BuildQueue, { limit: number }>(
        () => new Promise((answer, fail) => queries.push({ answer, fail })),
      ),
      publish: fromPromise<boolean, BuildQueue>(async ({ input }) => (pushed.push(input), accept)),
    },
    actions: { log: (_, entry) => logs.push(entry) },
  });
  const actor = createActor(machine, { input: { intervalMs: 3_600_000, refreshGapMs: 0, ...opts } });
  actor.start();
  const at = (state: 'held' | 'querying' | 'publishing' | 'waiting') => waitFor(actor, (s) => s.matches({ running: { cycle: state } }));
  return {
    actor, queries, pushed, logs, at,
    pause: () => void (paused = true),
    resume: () => ((paused = false), resume()),
    refuse: () => void (accept = false),
  };
}

test('the first query runs at start; its answer is pushed and logged at debug level', async () => {
  const m = live();
  await waitFor(m.actor, () => m.queries.length === 1);
  m.queries[0]!.answer({ cp311: [['a', '1.0'], ['b', '2.0']], cp39: [] });
  await m.at('waiting');
  expect(m.pushed).toEqual([{ cp311: [['a', '1.0'], ['b', '2.0']], cp39: [] }]);
  expect(m.logs).toEqual([{ level: 'debug', message: 'build queue: cp311: 2, cp39: 0' }]);
  m.actor.stop();
});

test('REFRESHes during a query ask for exactly one more query after it, and that one starts the gap', async () => {
  const m = live({ refreshGapMs: 3_600_000 });
  await waitFor(m.actor, () => m.queries.length === 1);
  for (let i = 0; i < 3; i++) m.actor.send({ type: 'REFRESH' });
  m.queries[0]!.answer({});
  await waitFor(m.actor, () => m.queries.length === 2);
  expect(m.actor.getSnapshot().context.forRefresh).toBe(true);
  m.queries[1]!.answer(queue);
  await m.at('waiting');
  expect(m.actor.getSnapshot().matches({ running: { gap: 'cooling' } })).toBe(true);
  // The next REFRESH waits out the gap: no query while cooling.
  m.actor.send({ type: 'REFRESH' });
  expect(m.actor.getSnapshot().matches({ running: { cycle: 'waiting' } })).toBe(true);
  expect(m.queries).toHaveLength(2);
  m.actor.stop();
});

test('a REFRESH while the master is paused waits at the gate; RESUME lets one query answer it', async () => {
  const m = live();
  await waitFor(m.actor, () => m.queries.length === 1);
  m.queries[0]!.answer({});
  await m.at('waiting');
  m.pause();
  m.actor.send({ type: 'REFRESH' });
  m.actor.send({ type: 'REFRESH' });
  expect(m.actor.getSnapshot().matches({ running: { cycle: 'held' } })).toBe(true);
  expect(m.queries).toHaveLength(1);
  m.resume();
  await waitFor(m.actor, () => m.queries.length === 2);
  expect(m.actor.getSnapshot().context.wanted).toBe(false);
  m.actor.stop();
});

test('a failed query is logged with the interval and the cycle waits for the next one; a full queue drops the push', async () => {
  const m = live({ intervalMs: 10 });
  await waitFor(m.actor, () => m.queries.length === 1);
  const err = new Error('connection refused');
  m.queries[0]!.fail(err);
  await waitFor(m.actor, () => m.queries.length === 2);
  m.refuse();
  m.queries[1]!.answer({});
  await waitFor(m.actor, () => m.queries.length === 3);
  expect(m.logs).toEqual([
    { level: 'error', message: 'build queue query failed (connection refused); trying again in 0.01 s', error: err },
    { level: 'debug', message: 'build queue: empty' },
    { level: 'warning', message: 'the builds queue is full (is the Slave Driver running?); this refresh is dropped' },
  ]);
  m.actor.stop();
});

test('behaviour 130: a query cancelled at shutdown is logged and ends the cycle', async () => {
  const m = live();
  await waitFor(m.actor, () => m.queries.length === 1);
  m.queries[0]!.fail(new CancelledError('the build queue query'));
  await waitFor(m.actor, (s) => s.status === 'done');
  expect(m.logs).toEqual([{ level: 'info', message: 'Cancelled query during shutdown' }]);
  expect(m.pushed).toEqual([]);
});

test('run without its services, the machine fails with a typed error', async () => {
  const actor = createActor(architectRefreshMachine, { input: {} });
  const error = new Promise((resolve) => actor.subscribe({ error: resolve }));
  actor.start();
  // whenRunning rejects with NotProvidedError: not a cancellation, so the machine crashes with it.
  await expect(error).resolves.toBeInstanceOf(NotProvidedError);
});
