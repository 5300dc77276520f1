import { createActor, fromCallback, toPromise, type AnyMachineSnapshot } from 'xstate';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import { supervisorMachine, type SupervisorEvent, type SupervisorInput } from '../../../machines/supervisor/index.js';
import { delayedEvents, exploreMachine } from '../support/coverage.js';

/** A task that says it is ready at once, ends on QUIT and crashes on CRASH. */
const obedient = fromCallback<{ type: string }, { id: string }>(({ input, sendBack, receive }) => {
  let stopped = false;
  sendBack({ type: 'task.ready', id: input.id });
  receive((event) => {
    if (event.type === 'QUIT' && !stopped) {
      stopped = true;
      // a callback actor ends only when stopped: the supervisor hears of it as done
      sendBack({ type: `xstate.done.actor.${input.id}`, output: undefined } as never);
    }
  });
});

function logged(lines: LogEntry[]) {
  return supervisorMachine.provide({ actions: { log: (_, line) => void lines.push(line) } });
}

const tasks = ['a', 'b'].map((id) => ({ id, logic: obedient, input: { id } }));

test('generated paths reach every state and transition of the supervisor', () => {
  const input: SupervisorInput = { tasks, now: () => 0, restart: { maxCrashes: 1 } };
  const ids = ['a', 'b'];
  const walk = exploreMachine(logged([]), {
    input,
    // only what can happen: a live task reports ready (once) or ends; a restart is for a task that is gone
    events: (snapshot) => [
      ...ids.flatMap((id): SupervisorEvent[] =>
        snapshot.context.live.has(id)
          ? [
              ...(snapshot.context.ready.has(id) ? [] : [{ type: 'task.ready' as const, id }]),
              { type: `xstate.error.actor.${id}` as const, error: new Error('boom') },
              { type: `xstate.done.actor.${id}` as const, output: undefined },
            ]
          : [{ type: 'task.restart' as const, id }],
      ),
      ...ids.map((id) => ({ type: 'PAUSE' as const, id })),
      { type: 'PAUSE' as const },
      { type: 'RESUME' as const },
      { type: 'QUIT' as const },
      ...delayedEvents(snapshot),
    ],
    serializeState: (s: AnyMachineSnapshot) =>
      JSON.stringify([s.value, s.status, s.context.cursor, s.context.spawned, [...s.context.live], [...s.context.ready], s.context.crashes.length, s.context.paused]),
  });
  // and with no tasks at all: running at once
  const empty = exploreMachine(logged([]), { input: { tasks: [], now: () => 0 }, events: () => [{ type: 'QUIT' as const }] });
  const neither = <T>(a: T[], b: T[]) => a.filter((x) => b.includes(x));
  expect(neither(walk.unreachedStates, empty.unreachedStates)).toEqual([]);
  expect(neither(walk.untakenTransitions, empty.untakenTransitions)).toEqual([]);
  expect(walk.untakenTransitions).toEqual(['#supervisor.starting --(always) [noTasks]--> #supervisor.running']);
});

test('every line goes through the log action: start in order, stop in reverse', async () => {
  const lines: LogEntry[] = [];
  const actor = createActor(logged(lines), { input: { tasks, now: () => 0 } }).start();
  expect(actor.getSnapshot().matches('running')).toBe(true);
  actor.send({ type: 'PAUSE', id: 'c' });
  actor.send({ type: 'QUIT', reason: 'the operator said so' });
  await expect(toPromise(actor)).resolves.toEqual({ failed: false, reason: 'the operator said so' });
  expect(lines.map((l) => `${l.level} ${l.message}`)).toEqual([
    'info starting task a',
    'info task a ready',
    'info starting task b',
    'info task b ready',
    'info every task is ready',
    'warning cannot PAUSE task c: it is not running',
    'info shutting down: the operator said so',
    'info stopping task b',
    'info task b stopped',
    'info stopping task a',
    'info task a stopped',
    'info every task stopped',
  ]);
});

test('crash windows are measured with the clock of the input', async () => {
  const lines: LogEntry[] = [];
  let clock = 0;
  const actor = createActor(logged(lines), { input: { tasks: tasks.slice(0, 1), now: () => clock, restart: { maxCrashes: 1, windowMs: 1000 } } }).start();
  actor.send({ type: 'xstate.error.actor.a', error: new Error('one') });
  clock += 1000; // the first crash has aged out: this one is the only one in the window
  actor.send({ type: 'xstate.error.actor.a', error: new Error('two') });
  expect(actor.getSnapshot().status).toBe('active');
  actor.send({ type: 'xstate.error.actor.a', error: new Error('three') });
  await expect(toPromise(actor)).resolves.toMatchObject({ failed: true, reason: 'more than 1 task crashes in 1000 ms' });
  expect(lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
    'task a crashed: one; restarting in 500 ms (1 of at most 1 crashes in 1000 ms)',
    'task a crashed: two; restarting in 500 ms (1 of at most 1 crashes in 1000 ms)',
    'task a crashed: three; more than 1 crashes in 1000 ms, stopping the master',
  ]);
});

test('without a clock of its own or in the input, the chart refuses to count crashes', () => {
  const actor = createActor(logged([]), { input: { tasks: tasks.slice(0, 1) } });
  const errors: unknown[] = [];
  actor.subscribe({ error: (err) => errors.push(err) });
  actor.start();
  actor.send({ type: 'xstate.error.actor.a', error: new Error('boom') });
  expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('supervisor: "now" was not provided') })]);
});
