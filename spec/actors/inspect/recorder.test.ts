/**
 * The live view's memory, fed by real actors through xstate's inspection API: the tree of live actors,
 * each one's state value and active state nodes, its last events in a bounded ring, actors forgotten as
 * they stop, and no more than `maxActors` kept.
 */
import { assign, createActor, fromPromise, setup, type AnyActor } from 'xstate';
import { ChartIndex } from '../../../actors/inspect/charts.js';
import { Recorder } from '../../../actors/inspect/recorder.js';

const child = setup({}).createMachine({ id: 'worker', initial: 'idle', states: { idle: { on: { GO: 'busy', STOP: 'done' } }, busy: { on: { STOP: 'done' } }, done: { type: 'final' } } });

const parent = setup({
  types: { events: {} as { type: 'SPAWN'; id: string } | { type: 'KILL'; id: string } | { type: 'PING'; n: number } | { type: 'WAIT' } },
  actors: { child, wait: fromPromise(() => new Promise<void>(() => {})) },
}).createMachine({
  id: 'boss',
  context: { pings: 0 },
  on: { KILL: { actions: ({ event, self }) => (self.getSnapshot().children[event.id] as AnyActor | undefined)?.send({ type: 'STOP' }) } },
  initial: 'running',
  states: {
    running: {
      on: {
        SPAWN: { actions: assign(({ spawn, event }) => (spawn('child', { id: event.id, systemId: event.id }), {})) },
        PING: { actions: assign({ pings: ({ context }) => context.pings + 1 }) },
        WAIT: 'waiting',
      },
    },
    waiting: { invoke: { src: 'wait' }, on: { PING: 'running' } },
  },
});

function start(opts: { maxActors?: number; eventsPerActor?: number } = {}) {
  let clock = 1000;
  const recorder = new Recorder({ charts: new ChartIndex({ worker: child }), now: () => clock++, ...opts });
  recorder.watch(true);
  const root = createActor(parent, { inspect: recorder.observe }).start();
  return { recorder, root };
}

const byId = (recorder: Recorder) => Object.fromEntries(recorder.rows().map((row) => [row.id, row]));

test('every live actor as a row under its parent, named by id, its chart found in the catalogue', () => {
  const { recorder, root } = start();
  root.send({ type: 'SPAWN', id: 'w1' });
  root.send({ type: 'SPAWN', id: 'w2' });
  const rows = recorder.rows();
  expect(rows.map((r) => r.id)).toEqual(['boss', 'w1', 'w2']);
  const { boss, w1 } = byId(recorder);
  expect(boss).toMatchObject({ key: root.sessionId, machine: true, state: 'running', status: 'active' });
  expect(boss!.parent).toBeUndefined();
  expect(boss!.chart).toBeUndefined();
  expect(w1).toMatchObject({ parent: root.sessionId, systemId: 'w1', chart: 'worker', state: 'idle' });
  root.stop();
});

test("an actor's state value and active state nodes follow its transitions", () => {
  const { recorder, root } = start();
  root.send({ type: 'SPAWN', id: 'w1' });
  const w1 = root.getSnapshot().children['w1'] as AnyActor;
  w1.send({ type: 'GO' });
  const detail = recorder.detail(w1.sessionId)!;
  expect(detail.state).toBe('busy');
  expect(detail.active).toEqual(['worker', 'worker.busy']);
  expect(detail.lastEvents.map((e) => e.type)).toEqual(['xstate.init', 'GO']);
  root.stop();
});

test('the last events, oldest first, no more than the ring holds, with sender and a glimpse of the data', () => {
  const { recorder, root } = start({ eventsPerActor: 5 });
  for (let n = 1; n <= 12; n++) root.send({ type: 'PING', n });
  const detail = recorder.detail(root.sessionId)!;
  expect(detail.events).toBe(13);
  expect(detail.lastEvents.map((e) => e.data)).toEqual(['{n: 8}', '{n: 9}', '{n: 10}', '{n: 11}', '{n: 12}']);
  expect(detail.lastEvents.map((e) => e.at)).toEqual([...detail.lastEvents.map((e) => e.at)].sort((a, b) => a - b));
  root.send({ type: 'SPAWN', id: 'w1' });
  const init = recorder.detail((root.getSnapshot().children['w1'] as AnyActor).sessionId)!.lastEvents[0]!;
  expect(init).toMatchObject({ type: 'xstate.init', from: 'boss' });
  root.stop();
});

test('an event carrying binary data is put in words at once, so the ring keeps no chunk of a wheel', () => {
  const { recorder, root } = start();
  const chunk = Buffer.alloc(65536);
  const first = { type: 'PING', n: 1, data: chunk };
  root.send(first as never);
  root.send({ type: 'PING', n: 2, frames: [1, chunk] } as never);
  // Changed after it was heard: an event kept by reference would show 99; one put in words at once does not.
  first.n = 99;
  const last = recorder.detail(root.sessionId)!.lastEvents.slice(-2).map((e) => e.data);
  expect(last).toEqual(['{n: 1, data: <65536 bytes>}', '{n: 2, frames: [1, <65536 bytes>]}']);
  root.stop();
});

test('an actor that finishes or is stopped is forgotten, and reported as removed', () => {
  const { recorder, root } = start();
  root.send({ type: 'SPAWN', id: 'w1' });
  root.send({ type: 'WAIT' });
  const w1 = (root.getSnapshot().children['w1'] as AnyActor).sessionId;
  const waiting = recorder.rows().find((r) => r.parent === root.sessionId && !r.machine)!;
  expect(waiting.state).toBe('active');
  recorder.takeChanges();
  root.send({ type: 'KILL', id: 'w1' });
  root.send({ type: 'PING', n: 1 }); // leaving `waiting` stops the promise it invoked
  const { changed, removed } = recorder.takeChanges();
  expect(removed.sort()).toEqual([w1, waiting.key].sort());
  expect(changed.map((r) => r.id)).toEqual(['boss']);
  expect(recorder.detail(w1)).toBeUndefined();
  root.stop();
  expect(recorder.rows()).toEqual([]);
});

test('changes are collected only while a page watches, each actor once however many its events', () => {
  const { recorder, root } = start();
  recorder.watch(false);
  root.send({ type: 'PING', n: 1 });
  recorder.watch(true);
  expect(recorder.takeChanges()).toEqual({ changed: [], removed: [] });
  for (let n = 0; n < 1000; n++) root.send({ type: 'PING', n });
  expect(recorder.hasChanged(root.sessionId)).toBe(true);
  const { changed } = recorder.takeChanges();
  expect(changed.map((r) => r.id)).toEqual(['boss']);
  expect(recorder.hasChanged(root.sessionId)).toBe(false);
  root.stop();
});

test('no more than maxActors kept; the rest counted', () => {
  const { recorder, root } = start({ maxActors: 3 });
  for (let i = 0; i < 5; i++) root.send({ type: 'SPAWN', id: `w${i}` });
  expect(recorder.rows().map((r) => r.id)).toEqual(['boss', 'w0', 'w1']);
  expect(recorder.untracked).toBe(3);
  root.stop();
});
