import type { SnapshotFrom } from 'xstate';
import { slaveSessionMachine } from '../../../machines/slave-session/index.js';
import type { SlaveSessionEvent } from '../../../machines/slave-session/index.js';
import { doneEvent, errorEvent, expectFullCoverage } from '../support/coverage.js';
import { armWheel, builtFailed, builtOk, helloData, pureWheel, statsData } from '../support/slave-fixtures.js';

const at = new Date(Date.UTC(2024, 0, 1));
/** The IDLE's own arrival (same time, another object): the queue's answers name it, so they count only after it. */
const idleAt = new Date(at.getTime());
const failure = new Error('service failed');

/** Everything that can happen to a session: every message, every request, every answer of a service. */
const fixedEvents: ReadonlyArray<SlaveSessionEvent | ReturnType<typeof doneEvent>> = [
  { type: 'HELLO', data: helloData({ busyTimeoutMs: 1000 }), at },
  { type: 'REGISTERED', slaveId: 1 },
  { type: 'IDLE', data: statsData(at), at: idleAt },
  { type: 'BUSY', data: statsData(at), at },
  { type: 'BUILT', data: builtOk([pureWheel, armWheel]), at },
  { type: 'BUILT', data: builtFailed(), at },
  // Issue 11: a wheel of another package, refused.
  { type: 'BUILT', data: builtOk([['bar-1.0-py3-none-any.whl', 10, pureWheel[2], 'bar', '1.0', 'py3', 'none', 'any', {}]]), at },
  { type: 'SENT', data: undefined, at },
  { type: 'BYE', data: undefined, at },
  { type: 'KILL' },
  { type: 'SKIP' },
  { type: 'SLEEP' },
  { type: 'WAKE' },
  { type: 'PAUSE' },
  { type: 'RESUME' },
  { type: 'REPLAY' },
  { type: 'SWEEP' },
  { type: 'JOB', job: ['foo', '1.0'], idleAt },
  { type: 'JOB', job: null, idleAt },
  { type: 'JOB_FAILED', error: failure, idleAt },
  { type: 'JOB_PENDING', idleAt },
  // An answer for an IDLE before the last message: never taken in ready.
  { type: 'JOB', job: ['foo', '1.0'], idleAt: new Date(at.getTime() - 1000) },
  doneEvent('expectFile', undefined),
  errorEvent('expectFile', failure),
  doneEvent('verifyFile', true),
  doneEvent('verifyFile', false),
  errorEvent('verifyFile', failure),
  { type: 'LOGGED', buildId: 1 },
  { type: 'LOG_FAILED', error: failure },
  { type: 'PAGES_DONE' },
  { type: 'PAGES_FAILED', error: failure },
];

/** A snapshot's identity for the walk: its states and everything that steers a guard; not stats or times. */
function identity(s: SnapshotFrom<typeof slaveSessionMachine>): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    s.status,
    c.lastReply?.verb ?? null,
    c.lastSeen === idleAt,
    c.killed,
    c.skipped,
    c.paused,
    c.masterPaused,
    c.sendAttempts,
    c.silentSweeps,
    c.fileIndex,
    c.build && [c.build.status, c.build.files?.map((f) => f.transferred)],
  ]);
}

const wire = new Set(['HELLO', 'IDLE', 'BUSY', 'BUILT', 'SENT', 'BYE']);

test('generated paths reach every state and every transition of the slave session', () => {
  let checked = 0;
  const report = expectFullCoverage(slaveSessionMachine, {
    // a 1 s busy timeout swept every second: expiry after two silent sweeps keeps the walk small
    input: { peer: 'peer-1', pypiSimpleUrl: 'https://pypi.org/simple', sweepMs: 1000 },
    events: () => fixedEvents as SlaveSessionEvent[],
    serializeState: identity,
    // Behaviours 59, 69, 71: every message from a greeted slave, in every reachable state, ends its
    // silence and is noted as last seen; every IDLE and BUSY keeps its stats.
    onTransition: (from, event, to) => {
      if (!wire.has(event.type) || from.status !== 'active' || !from.matches('connected')) return;
      expect([event.type, to.context.silentSweeps, to.context.lastSeen]).toEqual([event.type, 0, event.type === 'IDLE' ? idleAt : at]);
      if (event.type === 'IDLE' || event.type === 'BUSY') expect(to.context.stats.length).toBe(from.context.stats.length + 1);
      checked++;
    },
  });
  expect(checked).toBeGreaterThan(1000);
  // The walk found the happy path: the shortest way to a SEND is HELLO, its id, IDLE, a job, a good BUILT, EXPECT.
  const toSending = report.paths.find((p) => p.state.includes('"sending"'));
  expect(toSending?.events.map((e) => e.type)).toEqual([
    'HELLO', 'REGISTERED', 'IDLE', 'JOB', 'BUILT', 'xstate.done.actor.expectFile',
  ]);
  // and each way out: BYE, the busy timeout, a bad first message
  const endings = report.paths.filter((p) => p.state.includes('"done"')).map((p) => p.events.map((e) => e.type));
  expect(endings).toEqual(expect.arrayContaining([
    ['IDLE'],
    ['HELLO', 'REGISTERED', 'BYE'],
    ['HELLO', 'REGISTERED', 'SWEEP', 'SWEEP'],
  ]));
});
