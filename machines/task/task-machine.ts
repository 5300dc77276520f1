/**
 * The task wrapper: the life of one of the master's long-running parts (Scribe, Slave Driver, File
 * Juggler, ...) as the supervisor sees it (behaviours 17–19, 33). `createTask` (actors/runtime/task.ts)
 * gives it the task's start and stop and its pause gate; this chart decides when each runs.
 *
 *   starting ─start done─► running ⇄ paused (PAUSE / RESUME) ─QUIT─► stopping ─stop done─► stopped
 *   starting ─start done after QUIT─► stopping ; ─start done after task.fail─► crashing
 *   starting ─start fails─► failed ; running | paused ─task.fail─► crashing ─stop done─► failed
 *
 * - `pauseable` and `pausing` tasks go to `paused` on PAUSE (the owner's `pause` action closes the gate,
 *   which blocks only a `pauseable` task's work); `nonstop` ones log PAUSE and RESUME and stay running.
 * - Start-up is not cut short by QUIT or a crash: whatever it sets up is handed back to be stopped.
 * - `failed` throws the crash's error: erroring the actor is how the supervisor learns of the crash.
 * - Every control message is logged at debug level as 0.18 did: `<< QUIT None` (behaviour 33).
 *
 * Pure: starting and stopping the task (`start`, `stop`), the gate (`pause`, `resume`, `halt`), the
 * task's lifetime (`lifetime`: ends the task's work when the actor is stopped outright) and the log (`log`)
 * are supplied by the owner; the owner's per-actor state (the task's context, its gate) rides in
 * `context.runtime`, made by the `prepare` function the machine is created with.
 */
import { assign, enqueueActions, fromCallback, setup, type AnyActorRef, type EventObject } from 'xstate';
import { actionNotProvided, actorNotProvided, NotProvidedError } from '../common/not-provided.js';
import { sessionHostMachine } from '../session-host/index.js';
import type { LogEntry } from '../common/log-entry.js';
import type { TaskReadyEvent } from '../supervisor/types.js';

const NAME = 'task';

/** The three kinds of task of piwheels 0.18 (behaviours 17–19). */
export type TaskKind = 'pauseable' | 'pausing' | 'nonstop';

export type TaskControlEvent = { type: 'PAUSE' } | { type: 'RESUME' } | { type: 'QUIT' };
export type TaskEvent = TaskControlEvent | { type: 'task.fail'; error: unknown };

export interface TaskMachineContext<R> {
  id: string;
  kind: TaskKind;
  /** The owner's per-actor state (opaque to the chart). */
  runtime: R;
  /** What start resolved with: what `stop` undoes. */
  handle: unknown;
  crash: { error: unknown } | undefined;
  quitRequested: boolean;
}

/** What the `start`, `stop` and `lifetime` actors are given. */
export type TaskServiceInput<R> = Pick<TaskMachineContext<R>, 'id' | 'runtime' | 'handle'>;

const serviceInput = <R>({ context }: { context: TaskMachineContext<R> }): TaskServiceInput<R> => ({
  id: context.id,
  runtime: context.runtime,
  handle: context.handle,
});

const line = (level: LogEntry['level'], message: string) => ({ type: 'log', params: { level, message } }) as const;

/**
 * The chart for tasks of `kind` whose input is `TInput`; `prepare` makes the owner's per-actor state from
 * the input and the actor (default: none, for drawings).
 */
export function createTaskMachine<TInput = unknown, R = undefined>(
  kind: TaskKind,
  prepare: (args: { input: TInput; self: AnyActorRef }) => R = () => undefined as R,
) {
  return setup({
    types: {
      input: {} as TInput,
      context: {} as TaskMachineContext<R>,
      events: {} as TaskEvent,
    },
    actors: {
      start: actorNotProvided<unknown, TaskServiceInput<R>>(NAME, 'start'),
      stop: actorNotProvided<void, TaskServiceInput<R>>(NAME, 'stop'),
      lifetime: fromCallback<EventObject, TaskServiceInput<R>>(() => {
        throw new NotProvidedError(NAME, 'lifetime');
      }),
      /** The host the task's peer sessions are spawned under. */
      sessions: sessionHostMachine,
    },
    actions: {
      log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
      /** Lets work waiting at the gate go on, or makes it wait (a `pauseable` task's), or refuses it for good. */
      pause: actionNotProvided(NAME, 'pause'),
      resume: actionNotProvided(NAME, 'resume'),
      halt: actionNotProvided(NAME, 'halt'),
      /** Stops the peer sessions: an actor that errors leaves its children running, unlike one that stops. */
      stopSessions: actionNotProvided(NAME, 'stopSessions'),
      tellParentReady: ({ context, self }) => {
        self._parent?.send({ type: 'task.ready', id: context.id } satisfies TaskReadyEvent);
      },
      keepHandle: assign({ handle: ({ event }) => (event as { output?: unknown }).output ?? undefined }),
      recordCrash: assign({ crash: ({ event }) => ({ error: (event as { error?: unknown }).error }) }),
      noteQuit: assign({ quitRequested: true }),
      // 0.18 logs every control message a task receives at debug level: `<< QUIT None` (behaviour 33).
      logControl: enqueueActions(({ event, enqueue }) => enqueue({ type: 'log', params: { level: 'debug', message: `<< ${event.type} None` } })),
    },
    guards: {
      neverPauses: ({ context }) => context.kind === 'nonstop',
      crashedWhileStarting: ({ context }) => context.crash !== undefined,
      quitWhileStarting: ({ context }) => context.quitRequested,
    },
  }).createMachine({
    id: NAME,
    description:
      "The life of one of the master's tasks as the supervisor sees it: starting, running, paused and stopping. A pauseable or pausing task goes to paused on PAUSE (only a pauseable one's work waits), a nonstop one logs PAUSE and RESUME and carries on; start-up is never cut short, so whatever it set up is stopped; a crash stops the task's peer sessions and errors the actor, which is how the supervisor learns of it.",
    context: ({ input, self }) => ({
      id: self.id,
      kind,
      runtime: prepare({ input, self }),
      handle: undefined,
      crash: undefined,
      quitRequested: false,
    }),
    invoke: [
      { id: 'lifetime', src: 'lifetime', input: serviceInput },
      { id: 'sessions', src: 'sessions' },
    ],
    initial: 'starting',
    states: {
      starting: {
        entry: line('info', 'starting'),
        invoke: {
          id: 'start',
          src: 'start',
          input: serviceInput,
          onDone: [
            { guard: 'crashedWhileStarting', target: 'crashing', actions: 'keepHandle' },
            { guard: 'quitWhileStarting', target: 'stopping', actions: 'keepHandle' },
            { target: 'running', actions: ['keepHandle', 'tellParentReady'] },
          ],
          onError: { target: 'failed', actions: 'halt' },
        },
        on: {
          QUIT: { actions: ['logControl', 'noteQuit'] },
          'task.fail': { actions: 'recordCrash' },
        },
      },
      running: {
        on: {
          PAUSE: [
            { guard: 'neverPauses', actions: ['logControl', line('info', 'ignoring PAUSE (this task never pauses)')] },
            { target: 'paused', actions: 'logControl' },
          ],
          RESUME: [
            { guard: 'neverPauses', actions: ['logControl', line('info', 'ignoring RESUME (this task never pauses)')] },
            { actions: ['logControl', line('warning', 'RESUME received while not paused')] },
          ],
          QUIT: { target: 'stopping', actions: 'logControl' },
          'task.fail': { target: 'crashing', actions: 'recordCrash' },
        },
      },
      paused: {
        entry: [line('info', 'paused'), 'pause'],
        on: {
          PAUSE: { actions: ['logControl', line('debug', 'PAUSE received while already paused')] },
          // Not an exit action: leaving for `stopping` must refuse waiting work, not release it.
          RESUME: { target: 'running', actions: ['logControl', 'resume', line('info', 'resumed')] },
          QUIT: { target: 'stopping', actions: 'logControl' },
          'task.fail': { target: 'crashing', actions: 'recordCrash' },
        },
      },
      stopping: {
        entry: [line('info', 'stopping'), 'halt'],
        invoke: {
          id: 'stop',
          src: 'stop',
          input: serviceInput,
          onDone: 'stopped',
          onError: {
            target: 'stopped',
            actions: { type: 'log', params: ({ event }) => ({ level: 'error', message: 'failed to stop cleanly', error: event.error }) },
          },
        },
      },
      crashing: {
        entry: 'halt',
        invoke: {
          id: 'stop',
          src: 'stop',
          input: serviceInput,
          onDone: 'failed',
          onError: {
            target: 'failed',
            actions: {
              type: 'log',
              params: ({ event }) => ({ level: 'error', message: 'failed to stop cleanly after a crash', error: event.error }),
            },
          },
        },
      },
      // Erroring the actor is how the supervisor learns of the crash (xstate.error.actor.<id>).
      failed: {
        entry: [
          'stopSessions',
          ({ context, event }) => {
            throw context.crash?.error ?? (event as { error?: unknown }).error;
          },
        ],
      },
      stopped: {
        type: 'final',
        entry: line('info', 'stopped'),
      },
    },
  });
}

/** The chart (drawings and tests). */
export const taskMachine = createTaskMachine('pausing');
