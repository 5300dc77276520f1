import { SimulatedClock, createActor, type AnyMachineSnapshot } from 'xstate';
import { FIRST_RETRY_MS, LONGEST_RETRY_MS, oracleMachine, type OracleAnswer } from '../../../machines/oracle/index.js';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import { delayedEvents, exploreMachine } from '../support/coverage.js';

const unreachable = (at: number) => ({ type: 'FAILED' as const, message: 'connection refused', unreachable: true, at });

test('generated paths reach every state and transition of an Oracle', () => {
  const report = exploreMachine(oracleMachine, {
    input: { oracle: 1, retryForMs: 1000 },
    events: (s) => [
      { type: 'REQUEST', request: { verb: 'GETPYPI' }, at: 0 },
      { type: 'ANSWERED', data: 1, at: 0 },
      unreachable(0),
      unreachable(950),
      { type: 'FAILED', message: 'syntax error', unreachable: false, at: 0 },
      { type: 'STOP' },
      ...delayedEvents(s),
    ],
    serializeState: (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.status, Math.min(s.context.failures, 2), s.context.stopping]),
  });
  expect(report.unreachedStates).toEqual([]);
  expect(report.untakenTransitions).toEqual([]);
});

/** A live Oracle asked one LOGBUILD, whose queries the test answers; time is the simulated clock's. */
function request(retryForMs = 60_000, stopping = false) {
  const clock = new SimulatedClock();
  const lines: LogEntry[] = [];
  let queries = 0;
  let answer: OracleAnswer | undefined;
  const actor = createActor(
    oracleMachine.provide({
      actions: { query: () => void queries++, log: (_, line) => void lines.push(line), reply: (_, a) => void (answer = a) },
    }),
    { clock, input: { oracle: 2, retryForMs } },
  ).start();
  if (stopping) actor.send({ type: 'STOP' });
  actor.send({ type: 'REQUEST', request: { verb: 'LOGBUILD' }, at: 0 });
  return { actor, clock, lines, queries: () => queries, answer: () => answer };
}

test('while the database is unreachable a request is made again after 0.1 s, doubling to 2 s, then answered OK', () => {
  const r = request();
  const waits: number[] = [];
  let now = 0;
  for (let attempt = 0; attempt < 7; attempt++) {
    r.actor.send(unreachable(now));
    // the wait is exactly the delay: one ms short the query is not made again
    let waited = 0;
    const before = r.queries();
    while (r.queries() === before) {
      r.clock.increment(1);
      waited++;
    }
    waits.push(waited);
    now += waited;
  }
  expect(waits).toEqual([FIRST_RETRY_MS, 200, 400, 800, 1600, LONGEST_RETRY_MS, LONGEST_RETRY_MS]);
  r.actor.send({ type: 'ANSWERED', data: 42, at: 7500 });
  expect(r.answer()).toEqual({ verb: 'OK', data: 42 });
  expect(r.lines.map((l) => `${l.level} ${l.message}`)).toEqual([
    'warning oracle 2: the database is unreachable (connection refused); trying LOGBUILD again for up to 60 s',
    'info oracle 2: the database answered LOGBUILD after 7 failed attempts in 7.5 s',
  ]);
});

test('a request is answered ERROR once the next wait would take it past retryForMs', () => {
  const r = request(1000);
  r.actor.send(unreachable(0));
  r.clock.increment(100);
  r.actor.send(unreachable(850)); // 850 + 200 > 1000
  expect(r.answer()).toEqual({ verb: 'ERROR', data: 'connection refused (after 2 attempts)' });
});

test('a failure other than an unreachable database is answered ERROR at once, with no log line', () => {
  const r = request();
  r.actor.send({ type: 'FAILED', message: 'duplicate key', unreachable: false, at: 1 });
  expect(r.answer()).toEqual({ verb: 'ERROR', data: 'duplicate key' });
  expect(r.lines).toEqual([]);
});

test('STOP while waiting makes the request again at once, and its failure is final', () => {
  const r = request();
  r.actor.send(unreachable(0));
  expect(r.queries()).toBe(1);
  r.actor.send({ type: 'STOP' });
  expect(r.queries()).toBe(2);
  r.actor.send(unreachable(5));
  expect(r.answer()).toEqual({ verb: 'ERROR', data: 'connection refused (after 2 attempts)' });
});

test('a request that starts while the Oracle is stopping is not tried again', () => {
  const r = request(60_000, true);
  r.actor.send(unreachable(0));
  expect(r.answer()).toEqual({ verb: 'ERROR', data: 'connection refused' });
});

test('after its answer the Oracle is idle and takes the next request afresh', () => {
  const r = request(1000);
  r.actor.send(unreachable(0));
  r.clock.increment(100);
  r.actor.send({ type: 'ANSWERED', data: 1, at: 150 });
  r.actor.send({ type: 'REQUEST', request: { verb: 'GETPYPI' }, at: 5000 });
  r.actor.send({ type: 'FAILED', message: 'duplicate key', unreachable: false, at: 5001 });
  expect(r.answer()).toEqual({ verb: 'ERROR', data: 'duplicate key' }); // no "(after 2 attempts)": a new request
  expect(r.queries()).toBe(3);
});
