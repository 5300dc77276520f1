import { createActor, fromCallback, fromPromise, toPromise, type AnyMachineSnapshot } from 'xstate';
import { createTaskMachine, type TaskKind, type TaskServiceInput } from '../../../machines/task/index.js';
import type { LogEntry } from '../../../machines/common/log-entry.js';
import { doneEvent, errorEvent, exploreMachine } from '../support/coverage.js';

const events = [
  { type: 'PAUSE' as const },
  { type: 'RESUME' as const },
  { type: 'QUIT' as const },
  { type: 'task.fail' as const, error: 'lost the socket' },
  doneEvent('start', { handle: true }),
  errorEvent('start', 'cannot bind'),
  doneEvent('stop', undefined),
  errorEvent('stop', 'still busy'),
];

test('generated paths reach every state and transition of the task wrapper (a pausing and a nonstop task)', () => {
  const walks = (['pausing', 'nonstop'] as TaskKind[]).map((kind) =>
    exploreMachine(createTaskMachine(kind), {
      input: undefined,
      events: () => events,
      serializeState: (s: AnyMachineSnapshot) => JSON.stringify([s.value, s.status, s.context.crash !== undefined, s.context.quitRequested]),
    }),
  );
  const [pausing, nonstop] = walks as [ReturnType<typeof exploreMachine>, ReturnType<typeof exploreMachine>];
  expect(pausing.unreachedStates).toEqual([]);
  expect(pausing.untakenTransitions.filter((t) => nonstop.untakenTransitions.includes(t))).toEqual([]);
  // a nonstop task never pauses
  expect(nonstop.unreachedStates).toEqual(['task.paused']);
});

/** The chart with recording services: what the owner is asked to do, in order. */
function recorded(kind: TaskKind, opts: { startFails?: boolean } = {}) {
  const did: string[] = [];
  const machine = createTaskMachine(kind).provide({
    actors: {
      start: fromPromise<unknown, TaskServiceInput<undefined>>(async () => {
        did.push('start');
        if (opts.startFails) throw new Error('cannot bind');
        return 'handle';
      }),
      stop: fromPromise(async ({ input }) => void did.push(`stop ${String(input.handle)}`)),
      lifetime: fromCallback(() => () => void did.push('lifetime over')),
    },
    actions: {
      log: (_, line: LogEntry) => void did.push(`${line.level} ${line.message}`),
      pause: () => void did.push('pause'),
      resume: () => void did.push('resume'),
      halt: () => void did.push('halt'),
      stopSessions: () => void did.push('stop sessions'),
    },
  });
  return { machine, did };
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

test('a pausing task: PAUSE closes the gate, RESUME opens it, QUIT halts and stops what start set up', async () => {
  const { machine, did } = recorded('pausing');
  const actor = createActor(machine, { id: 'the_scribe' }).start();
  await settle();
  for (const type of ['RESUME', 'PAUSE', 'PAUSE', 'RESUME', 'QUIT'] as const) actor.send({ type });
  await toPromise(actor);
  expect(did).toEqual([
    // xstate starts the invoked start before it runs the state's entry actions
    'start', 'info starting',
    'debug << RESUME None', 'warning RESUME received while not paused',
    'debug << PAUSE None', 'info paused', 'pause',
    'debug << PAUSE None', 'debug PAUSE received while already paused',
    'debug << RESUME None', 'resume', 'info resumed',
    'debug << QUIT None', 'info stopping', 'halt', 'stop handle', 'info stopped', 'lifetime over',
  ]);
});

test('a nonstop task logs PAUSE and RESUME and carries on', async () => {
  const { machine, did } = recorded('nonstop');
  const actor = createActor(machine).start();
  await settle();
  actor.send({ type: 'PAUSE' });
  actor.send({ type: 'RESUME' });
  expect(actor.getSnapshot().value).toBe('running');
  expect(did.slice(2)).toEqual([
    'debug << PAUSE None', 'info ignoring PAUSE (this task never pauses)',
    'debug << RESUME None', 'info ignoring RESUME (this task never pauses)',
  ]);
});

test('a crash stops what start set up and the peer sessions, then errors the actor with the crash', async () => {
  const { machine, did } = recorded('pauseable');
  const actor = createActor(machine).start();
  await settle();
  actor.send({ type: 'task.fail', error: new Error('lost the database') });
  await expect(toPromise(actor)).rejects.toThrow('lost the database');
  expect(did.slice(2)).toEqual(['halt', 'stop handle', 'stop sessions']);
});

test('QUIT during start-up waits for start, then stops what it set up', async () => {
  const { machine, did } = recorded('pausing');
  const actor = createActor(machine).start();
  actor.send({ type: 'QUIT' });
  await toPromise(actor);
  expect(did).toEqual(['start', 'info starting', 'debug << QUIT None', 'info stopping', 'halt', 'stop handle', 'info stopped', 'lifetime over']);
});

test('a start that fails errors the actor with its error; nothing is stopped', async () => {
  const { machine, did } = recorded('pausing', { startFails: true });
  const actor = createActor(machine).start();
  await expect(toPromise(actor)).rejects.toThrow('cannot bind');
  expect(did).toEqual(['start', 'info starting', 'halt', 'stop sessions']);
});
