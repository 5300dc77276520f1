/**
 * Cloud Gazer's poll cycle as a pure machine (behaviours 17, 104–127; REFRESH beyond 0.18): every state and
 * transition reached by generated paths, and the cycle driven on a live actor whose reads and applies the
 * test answers.
 */
import { createActor, fromPromise, waitFor, type SnapshotFrom } from 'xstate';
import { pollCycleMachine, type PollSummary } from '../../../machines/cloud-gazer/index.js';
import type { GazerEvent } from '../../../protocols/pypi/changelog.js';
import { CancelledError } from '../../../machines/common/cancelled.js';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import { NotProvidedError } from '../../../machines/common/not-provided.js';
import { delayedEvents, doneEvent, errorEvent, expectFullCoverage } from '../support/coverage.js';

const event: GazerEvent = { action: 'create', package: 'foo', version: null, timestamp: new Date(0), description: null };

test('generated paths reach every state and every transition of the poll cycle', () => {
  const report = expectFullCoverage(pollCycleMachine, {
    input: {},
    events: (s) => [
      { type: 'RECORDED' },
      doneEvent('whenRunning', undefined),
      errorEvent('whenRunning', new CancelledError('waiting for RESUME')),
      errorEvent('whenRunning', new Error('bug')),
      doneEvent('readChangelog', [event]),
      errorEvent('readChangelog', new Error('bug')),
      errorEvent('readChangelog', new CancelledError('reading PyPI')),
      doneEvent('applyEvents', { events: 1, serial: 7 }),
      doneEvent('applyEvents', { events: 0, serial: 6 }),
      errorEvent('applyEvents', new Error('no server on queue web')),
      errorEvent('applyEvents', new CancelledError('acting on PyPI events')),
      ...delayedEvents(s),
    ],
    serializeState: (s: SnapshotFrom<typeof pollCycleMachine>) => JSON.stringify([s.value, s.status, s.context.recorded]),
  });
  expect(report.paths.find((p) => p.state.startsWith('[{"polling":"waiting"}'))?.events.map((e) => e.type)).toEqual([
    'xstate.done.actor.whenRunning',
    'xstate.error.actor.readChangelog',
  ]);
});

function live() {
  const reads: { answer: (events: GazerEvent[]) => void }[] = [];
  const applies: { events: readonly GazerEvent[]; answer: (s: PollSummary) => void; fail: (err: unknown) => void }[] = [];
  const logs: LogEntry[] = [];
  let refreshes = 0;
  const machine = pollCycleMachine.provide({
    actors: {
      whenRunning: fromPromise<void, void>(async () => undefined),
      readChangelog: fromPromise<GazerEvent[], void>(() => new Promise((answer) => reads.push({ answer }))),
      applyEvents: fromPromise<PollSummary, readonly GazerEvent[]>(
        ({ input }) => new Promise((answer, fail) => applies.push({ events: input, answer, fail })),
      ),
    },
    actions: { log: (_, entry) => logs.push(entry), refresh: () => refreshes++ },
  });
  const actor = createActor(machine, { input: { intervalMs: 5 } });
  actor.start();
  return { actor, reads, applies, logs, refreshes: () => refreshes };
}

test('a batch is read, applied, logged when it had events, and the next poll follows after the interval', async () => {
  const c = live();
  await waitFor(c.actor, () => c.reads.length === 1);
  c.reads[0]!.answer([event, event]);
  await waitFor(c.actor, () => c.applies.length === 1);
  expect(c.applies[0]!.events).toHaveLength(2);
  c.applies[0]!.answer({ events: 2, serial: 20000002 });
  await waitFor(c.actor, () => c.reads.length === 2);
  c.reads[1]!.answer([]);
  await waitFor(c.actor, () => c.applies.length === 2);
  c.applies[1]!.answer({ events: 0, serial: 20000002 });
  await waitFor(c.actor, () => c.reads.length === 3);
  expect(c.logs).toEqual([{ level: 'info', message: 'acted on 2 PyPI events; serial is now 20000002' }]);
  expect(c.refreshes()).toBe(0);
  c.actor.stop();
});

test('a poll that recorded a version says REFRESH once, failed or not; the failure is logged with the interval', async () => {
  const c = live();
  await waitFor(c.actor, () => c.reads.length === 1);
  c.reads[0]!.answer([event]);
  await waitFor(c.actor, () => c.applies.length === 1);
  c.actor.send({ type: 'RECORDED' });
  c.actor.send({ type: 'RECORDED' });
  const err = new Error('no server on queue web');
  c.applies[0]!.fail(err);
  await waitFor(c.actor, (s) => s.matches({ polling: 'waiting' }));
  expect(c.refreshes()).toBe(1);
  expect(c.actor.getSnapshot().context.recorded).toBe(false);
  expect(c.logs).toEqual([
    { level: 'error', message: 'poll failed: no server on queue web; trying again in 0.005 s', error: err },
    { level: 'debug', message: 'new versions to build: REFRESH sent to the Architect' },
  ]);
  c.actor.stop();
});

test('work cancelled at shutdown ends the cycle without a log line or a REFRESH', async () => {
  const c = live();
  await waitFor(c.actor, () => c.reads.length === 1);
  c.reads[0]!.answer([event]);
  await waitFor(c.actor, () => c.applies.length === 1);
  c.actor.send({ type: 'RECORDED' });
  c.applies[0]!.fail(new CancelledError('acting on PyPI events'));
  await waitFor(c.actor, (s) => s.status === 'done');
  expect(c.logs).toEqual([]);
  expect(c.refreshes()).toBe(0);
});

test('run without its services, the machine fails with a typed error', async () => {
  const actor = createActor(pollCycleMachine, { input: {} });
  const error = new Promise((resolve) => actor.subscribe({ error: resolve }));
  actor.start();
  await expect(error).resolves.toBeInstanceOf(NotProvidedError);
});
