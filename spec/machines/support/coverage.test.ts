import { assign, fromPromise, setup } from 'xstate';
import type { AnyMachineSnapshot } from 'xstate';
import { delayedEvents, doneEvent, errorEvent, expectFullCoverage, exploreMachine } from './coverage.js';

// A tiny machine with every kind of edge the helper must see: plain, guarded, eventless, delayed, invoke
// done/error; optionally a state nothing targets.
function tinyMachine(withDeadState: boolean) {
  return setup({
    types: { context: {} as { n: number }, events: {} as { type: 'GO' } | { type: 'BOOM' } },
    actors: { work: fromPromise<number>(async () => 1) },
    guards: { big: ({ context }) => context.n > 1 },
    delays: { wait: 1000 },
  }).createMachine({
    id: 'tiny',
    context: { n: 0 },
    initial: 'idle',
    states: {
      idle: { on: { GO: 'working', BOOM: 'broken' } },
      working: {
        invoke: {
          id: 'work',
          src: 'work',
          onDone: { target: 'check', actions: assign({ n: ({ event }) => event.output }) },
          onError: 'broken',
        },
      },
      check: { always: [{ guard: 'big', target: 'idle' }, { target: 'waiting' }] },
      waiting: { after: { wait: 'idle' } },
      broken: { type: 'final' },
      ...(withDeadState ? { dead: {} } : {}),
    },
  });
}

const everyEdge = (s: AnyMachineSnapshot) => [
  { type: 'GO' as const }, { type: 'BOOM' as const },
  doneEvent('work', 1), doneEvent('work', 2), errorEvent('work', new Error('x')), ...delayedEvents(s),
];

test('exploreMachine names every unreached state and untaken transition', () => {
  const report = exploreMachine(tinyMachine(true), {
    input: undefined,
    events: (s) => [{ type: 'GO' }, doneEvent('work', 1), ...delayedEvents(s)],
  });
  expect(report.unreachedStates.sort()).toEqual(['tiny.broken', 'tiny.dead']);
  expect(report.untakenTransitions.sort()).toEqual([
    '#tiny.check --(always) [big]--> #tiny.idle',
    '#tiny.idle --BOOM--> #tiny.broken',
    '#tiny.working --xstate.error.actor.work--> #tiny.broken',
  ]);
});

test('expectFullCoverage fails on a state nothing reaches, even when every transition is taken', () => {
  expect(() => expectFullCoverage(tinyMachine(true), { input: undefined, events: everyEdge })).toThrow(
    /^machine "tiny" is not fully covered by the generated paths:\n {2}state never reached: #tiny\.dead$/,
  );
});

test('expectFullCoverage fails when the walk skips edges, and passes once every edge is driven', () => {
  expect(() => expectFullCoverage(tinyMachine(false), { input: undefined, events: () => [{ type: 'GO' }] }))
    .toThrow(/state never reached: #tiny\.waiting/);
  const report = expectFullCoverage(tinyMachine(false), { input: undefined, events: everyEdge });
  expect(report.unreachedStates).toEqual([]);
  expect(report.untakenTransitions).toEqual([]);
  // the shortest path to the final state is a single BOOM
  expect(report.paths.find((p) => p.state.includes('"broken"'))?.events).toEqual([{ type: 'BOOM' }]);
});

test('delayedEvents lists the after-events of the active state only', () => {
  const m = tinyMachine(false);
  expect(delayedEvents(m.resolveState({ value: 'waiting', context: { n: 1 } })))
    .toEqual([{ type: 'xstate.after.wait.tiny.waiting' }]);
  expect(delayedEvents(m.resolveState({ value: 'idle', context: { n: 0 } }))).toEqual([]);
});

test('onTransition sees every step of the walk, so invariants can be checked over all reachable states', () => {
  const seen: string[] = [];
  exploreMachine(tinyMachine(false), {
    input: undefined,
    events: () => [{ type: 'GO' }, doneEvent('work', 2)],
    onTransition: (from, event, to) => seen.push(`${JSON.stringify(from.value)} ${event.type} ${JSON.stringify(to.value)}`),
  });
  expect(seen).toEqual(expect.arrayContaining([
    '"idle" GO "working"',
    '"working" xstate.done.actor.work "idle"',
    '"idle" xstate.done.actor.work "idle"',
  ]));
});
