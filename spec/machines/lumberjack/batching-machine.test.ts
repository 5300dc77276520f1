/**
 * The Lumberjack's batching as a pure machine (behaviours 165–167): every state and transition reached by
 * generated paths, and its retry, split and drain rules driven on a live actor whose writes the test
 * answers.
 */
import { createActor, fromPromise, waitFor, type SnapshotFrom } from 'xstate';
import {
  batchingMachine,
  drainSettled,
  recordsInFlight,
  RejectedBatchError,
  type LogRecord,
} from '../../../machines/lumberjack/index.js';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import { delayedEvents, doneEvent, errorEvent, expectFullCoverage } from '../support/coverage.js';

const record = (n: number): LogRecord => ({
  verb: 'LOGPAGE',
  data: [`page${n}`, '192.0.2.1', new Date(Date.UTC(2020, 8, 15, 12)), 'Mozilla/5.0'],
});
const records = (n: number) => Array.from({ length: n }, (_, i) => record(i));

test('generated paths reach every state and every transition of the batching', () => {
  const report = expectFullCoverage(batchingMachine, {
    input: { policy: { maxBatch: 2 } },
    events: (s) => [
      { type: 'ADDED', waiting: 1 },
      { type: 'ADDED', waiting: 2 },
      { type: 'BATCH', records: [] },
      { type: 'BATCH', records: records(2) },
      { type: 'DRAIN', deadlineMs: 1000 },
      doneEvent('whenRunning', undefined),
      errorEvent('whenRunning', new Error('task stopped')),
      doneEvent('writeBatch', undefined),
      errorEvent('writeBatch', new Error('connection to the database lost')),
      errorEvent('writeBatch', new RejectedBatchError('value too long')),
      ...delayedEvents(s),
    ],
    // Failures past the second steer nothing; the retry wait is capped, so the space is finite.
    serializeState: (s: SnapshotFrom<typeof batchingMachine>) =>
      JSON.stringify([s.value, s.context.parts.map((p) => p.length), Math.min(s.context.failures, 2), s.context.retryMs]),
  });
  // The shortest way to a refused batch's halves: a full batch taken, written, refused.
  expect(report.paths.find((p) => p.state.startsWith('[{"work":"writing","shutdown":"running"},[1,1],'))?.events.map((e) => e.type)).toEqual([
    'ADDED', 'xstate.done.actor.whenRunning', 'BATCH', 'xstate.error.actor.writeBatch',
  ]);
});

/** A live machine over a buffer the test fills; every write is held until the test answers it. */
function live(policy: Record<string, number> = {}) {
  let buffer: LogRecord[] = [];
  const writes: { records: readonly LogRecord[]; ok: () => void; fail: (err: unknown) => void }[] = [];
  const written: LogRecord[] = [];
  const refused: LogRecord[] = [];
  const logs: LogEntry[] = [];
  let paused = false;
  let resume = () => {};
  const machine = batchingMachine.provide({
    actors: {
      whenRunning: fromPromise<void, void>(() => (paused ? new Promise((r) => (resume = r)) : Promise.resolve())),
      writeBatch: fromPromise<void, readonly LogRecord[]>(
        ({ input }) => new Promise((ok, fail) => writes.push({ records: input, ok: () => ok(), fail })),
      ),
    },
    actions: {
      takeBatch: (_, max) => {
        const batch = buffer.slice(0, max);
        buffer = buffer.slice(max);
        actor.send({ type: 'BATCH', records: batch });
      },
      log: (_, entry) => logs.push(entry),
      written: (_, rs) => written.push(...rs),
      refused: (_, { record }) => refused.push(record),
    },
  });
  const actor = createActor(machine, { input: { policy: { maxBatch: 4, flushDelayMs: 5, retryInitialMs: 1, retryMaxMs: 4, ...policy } } });
  actor.start();
  const add = (rs: LogRecord[]) => {
    for (const r of rs) {
      buffer.push(r);
      const s = actor.getSnapshot();
      if (s.hasTag('accepting') && buffer.length >= s.context.wakeAt) actor.send({ type: 'ADDED', waiting: buffer.length });
    }
  };
  const write = (n: number) => waitFor(actor, () => writes.length >= n).then(() => writes[n - 1]!);
  return {
    actor, add, write, written, refused, logs,
    waiting: () => buffer.length,
    pause: () => void (paused = true),
    resume: () => ((paused = false), resume()),
  };
}

test('a full batch is written at once; what arrives during a write goes in the next one (group commit)', async () => {
  const m = live();
  m.add(records(4));
  const first = await m.write(1);
  expect(first.records).toHaveLength(4);
  m.add(records(6).slice(4));
  expect(m.actor.getSnapshot().hasTag('accepting')).toBe(false);
  first.ok();
  const second = await m.write(2);
  expect(second.records.map((r) => r.data[0])).toEqual(['page4', 'page5']);
  second.ok();
  await waitFor(m.actor, (s) => s.matches({ work: 'idle' }));
  expect(m.written).toHaveLength(6);
  m.actor.stop();
});

test('the database away: the same records are retried with doubling waits, warned once, then noted back', async () => {
  const m = live();
  m.add(records(2));
  const err = new Error('connection to the database lost');
  for (let i = 1; i <= 4; i++) (await m.write(i)).fail(err);
  expect(m.actor.getSnapshot().context.retryMs).toBe(4);
  const fifth = await m.write(5);
  expect(fifth.records).toEqual(records(2));
  fifth.ok();
  await waitFor(m.actor, (s) => s.matches({ work: 'idle' }));
  expect(m.logs.map((l) => [l.level, l.message])).toEqual([
    ['warning', 'failed to write 2 log records; retrying'],
    ['debug', 'log records still not written (attempt 2): connection to the database lost'],
    ['debug', 'log records still not written (attempt 3): connection to the database lost'],
    ['debug', 'log records still not written (attempt 4): connection to the database lost'],
    ['info', 'log records written again after 4 failed attempts'],
  ]);
  m.actor.stop();
});

test('a refused batch is halved until the refused record is alone; only it is dropped', async () => {
  const m = live();
  m.add(records(4));
  const refusal = new RejectedBatchError('value too long for type character varying(30)');
  (await m.write(1)).fail(refusal); // [0..3]
  (await m.write(2)).fail(refusal); // [0, 1]
  (await m.write(3)).fail(refusal); // [0]
  const rest = await m.write(4); // [1]
  expect(rest.records.map((r) => r.data[0])).toEqual(['page1']);
  rest.ok();
  const last = await m.write(5);
  expect(last.records.map((r) => r.data[0])).toEqual(['page2', 'page3']);
  last.ok();
  await waitFor(m.actor, (s) => s.matches({ work: 'idle' }));
  expect(m.refused.map((r) => r.data[0])).toEqual(['page0']);
  expect(m.written.map((r) => r.data[0])).toEqual(['page1', 'page2', 'page3']);
  expect(m.logs).toEqual([{ level: 'error', message: 'dropping a LOGPAGE record the database refused: value too long for type character varying(30)' }]);
  m.actor.stop();
});

test('no write while paused; a drain writes anyway and settles once everything is written', async () => {
  const m = live();
  m.pause();
  m.add(records(6));
  await waitFor(m.actor, (s) => s.matches({ work: 'held' }));
  m.actor.send({ type: 'DRAIN', deadlineMs: 60_000 });
  (await m.write(1)).ok();
  (await m.write(2)).ok();
  await waitFor(m.actor, drainSettled);
  expect(m.actor.getSnapshot().matches({ shutdown: 'draining' })).toBe(true);
  expect(m.written).toHaveLength(6);
  m.actor.stop();
});

test('a drain gives up at its deadline, with the records of a hanging write still counted', async () => {
  const m = live();
  m.add(records(6));
  await m.write(1);
  m.actor.send({ type: 'DRAIN', deadlineMs: 5 });
  await waitFor(m.actor, drainSettled);
  expect(m.actor.getSnapshot().matches({ shutdown: 'gaveUp' })).toBe(true);
  expect(m.waiting() + recordsInFlight(m.actor.getSnapshot().context)).toBe(6);
  m.actor.stop();
});
