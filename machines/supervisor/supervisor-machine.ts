/**
 * The root supervisor: the one actor that owns every task of a process. It spawns each task by `systemId`
 * (so tasks find each other with `system.get(id)`), starts them one at a time in the given order, each
 * within `readyTimeout` of being spawned or start-up is aborted (behaviour 24); stops them in reverse
 * order on QUIT (behaviour 25), each within `stopTimeout` or it is stopped outright; restarts a crashed
 * task after an exponential back-off, logging why; and stops the whole process when tasks crash more than
 * `maxCrashes` times within `windowMs` (a crash loop is not worth riding out). PAUSE / RESUME go to every
 * ready task, or to the one named by `id`; a task restarted while the master is paused is paused again.
 *
 * A task is any actor logic that sends its parent `{ type: 'task.ready', id }` once ready, ends (reaches
 * a final state) on QUIT, and errors when it crashes: `createTask` (machines/task) builds exactly that.
 *
 * Pure: every line it logs goes through the `log` action its owner provides (actors/runtime/supervisor.ts
 * writes it to the master's logger), and crash windows are measured with the clock it is made with
 * (`createSupervisorMachine(now)`) or given in its input.
 *
 *   starting ─task.ready (last)─► running ─QUIT─► stopping.next ⇄ stopping.waiting ─► stopped
 *   starting ─task.ready─► starting (the next task) ; ─child fails / readyTimeout─► stopping
 *   running ─child crashes─► running (restart after back-off) | stopping (crash loop)
 */
import { assign, enqueueActions, setup } from 'xstate';
import { actionNotProvided } from '../common/not-provided.js';
import { describeError, type LogEntry } from '../common/log-entry.js';
import {
  DEFAULT_RESTART_POLICY,
  type SupervisorContext,
  type SupervisorEvent,
  type SupervisorInput,
  type SupervisorOutput,
  type TaskReadyEvent,
} from './types.js';

const NAME = 'supervisor';
const ERROR_PREFIX = 'xstate.error.actor.';
const DONE_PREFIX = 'xstate.done.actor.';

type Context = SupervisorContext;

/** The task a child-actor event is about, and what went wrong with it. */
function childEnd(event: SupervisorEvent): { id: string; error: unknown } {
  if (event.type.startsWith(ERROR_PREFIX)) {
    return { id: event.type.slice(ERROR_PREFIX.length), error: (event as { error: unknown }).error };
  }
  const id = event.type.slice(DONE_PREFIX.length);
  return { id, error: new Error(`task ${id} stopped on its own`) };
}

const current = (context: Context) => context.tasks[context.cursor]!;

function recentCrashes(context: Context, at: number, id?: string) {
  return context.crashes.filter((c) => at - c.at < context.policy.windowMs && (id === undefined || c.id === id));
}

function setWithout<T>(set: ReadonlySet<T>, item: T): Set<T> {
  const copy = new Set(set);
  copy.delete(item);
  return copy;
}

const line = (level: LogEntry['level'], message: string, error?: unknown) =>
  ({ type: 'log', params: error === undefined ? { level, message } : { level, message, error } }) as const;

export const supervisorSetup = setup({
  types: {
    input: {} as SupervisorInput,
    context: {} as Context,
    events: {} as SupervisorEvent,
    output: {} as SupervisorOutput,
  },
  delays: {
    readyTimeout: ({ context }) => context.readyTimeoutMs,
    stopTimeout: ({ context }) => context.stopTimeoutMs,
  },
  guards: {
    noTasks: ({ context }) => context.tasks.length === 0,
    isCurrent: ({ context, event }) => 'id' in event && event.id === current(context).id,
    isCurrentLast: ({ context, event }) =>
      'id' in event && event.id === current(context).id && context.cursor === context.tasks.length - 1,
    endIsCurrent: ({ context, event }) => childEnd(event).id === current(context).id,
    crashLoop: ({ context }) => recentCrashes(context, context.now()).length + 1 > context.policy.maxCrashes,
    shutdownDone: ({ context }) => context.cursor < 0,
    currentNotLive: ({ context }) => !context.live.has(current(context).id),
  },
  actions: {
    // Provided by the owner: writes the line to its logger.
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    spawnTask: enqueueActions(({ context, event, enqueue }) => {
      const id = event.type === 'task.restart' ? event.id : context.tasks[context.cursor]?.id;
      const task = context.tasks.find((t) => t.id === id);
      if (id === undefined || task === undefined || context.live.has(id)) return;
      enqueue(line('info', `starting task ${id}`));
      enqueue.spawnChild(task.logic, { id: id as never, systemId: id, input: task.input as never });
      enqueue.assign({ live: ({ context }) => new Set(context.live).add(id) });
    }),
    markReady: enqueueActions(({ context, event, enqueue }) => {
      const { id } = event as TaskReadyEvent;
      enqueue(line('info', `task ${id} ready`));
      enqueue.assign({ ready: ({ context }) => new Set(context.ready).add(id) });
      // A task restarted while the master sleeps must sleep too.
      if (context.paused) enqueue.sendTo(id, { type: 'PAUSE' });
    }),
    nextTask: assign({ cursor: ({ context }) => context.cursor + 1, spawned: ({ context }) => context.cursor + 2 }),
    forget: enqueueActions(({ event, enqueue }) => {
      const { id } = childEnd(event);
      enqueue.stopChild(id);
      enqueue.assign({
        live: ({ context }) => setWithout(context.live, id),
        ready: ({ context }) => setWithout(context.ready, id),
      });
    }),
    startFailed: enqueueActions(({ event, enqueue }) => {
      const { id, error } = childEnd(event);
      enqueue(line('error', `task ${id} failed to start: ${describeError(error)}; aborting start-up`, error));
      enqueue.assign({ outcome: { failed: true, reason: `task ${id} failed to start`, error } });
    }),
    readyTimedOut: enqueueActions(({ context, enqueue }) => {
      const { id } = current(context);
      enqueue(line('error', `task ${id} not ready within ${context.readyTimeoutMs} ms; aborting start-up`));
      enqueue.assign({ outcome: { failed: true, reason: `task ${id} not ready within ${context.readyTimeoutMs} ms` } });
    }),
    scheduleRestart: enqueueActions(({ context, event, enqueue }) => {
      const { id, error } = childEnd(event);
      const at = context.now();
      const { initialDelayMs, factor, maxDelayMs, maxCrashes, windowMs } = context.policy;
      const mine = recentCrashes(context, at, id).length; // earlier crashes of this task still in the window
      const delay = Math.min(maxDelayMs, Math.round(initialDelayMs * factor ** mine));
      const total = recentCrashes(context, at).length + 1;
      enqueue(
        line(
          'error',
          `task ${id} crashed: ${describeError(error)}; restarting in ${delay} ms (${total} of at most ${maxCrashes} crashes in ${windowMs} ms)`,
          error,
        ),
      );
      enqueue.assign({ crashes: ({ context }) => [...recentCrashes(context, at), { id, at }] });
      enqueue.raise({ type: 'task.restart', id }, { delay, id: `restart.${id}` });
    }),
    giveUp: enqueueActions(({ context, event, enqueue }) => {
      const { id, error } = childEnd(event);
      const { maxCrashes, windowMs } = context.policy;
      enqueue(line('error', `task ${id} crashed: ${describeError(error)}; more than ${maxCrashes} crashes in ${windowMs} ms, stopping the master`, error));
      enqueue.assign({ outcome: { failed: true, reason: `more than ${maxCrashes} task crashes in ${windowMs} ms`, error } });
    }),
    relay: enqueueActions(({ context, event, enqueue }) => {
      const { type, id } = event as { type: 'PAUSE' | 'RESUME'; id?: string };
      if (id !== undefined) {
        if (!context.ready.has(id)) return enqueue(line('warning', `cannot ${type} task ${id}: it is not running`));
        enqueue(line('info', `${type} task ${id}`));
        return enqueue.sendTo(id, { type });
      }
      enqueue(line('info', type === 'PAUSE' ? 'pausing every task' : 'resuming every task'));
      enqueue.assign({ paused: type === 'PAUSE' });
      for (const task of context.tasks) if (context.ready.has(task.id)) enqueue.sendTo(task.id, { type });
    }),
    quitRequested: enqueueActions(({ event, enqueue }) => {
      const reason = (event as { reason?: string }).reason ?? 'QUIT received';
      enqueue(line('info', `shutting down: ${reason}`));
      enqueue.assign({ outcome: { failed: false, reason } });
    }),
    beginShutdown: assign({ cursor: ({ context }) => context.spawned - 1 }),
    skipTask: assign({ cursor: ({ context }) => context.cursor - 1 }),
    askToQuit: enqueueActions(({ context, enqueue }) => {
      const { id } = current(context);
      enqueue(line('info', `stopping task ${id}`));
      enqueue.sendTo(id, { type: 'QUIT' });
    }),
    taskEnded: enqueueActions(({ event, enqueue }) => {
      const { id, error } = childEnd(event);
      if (event.type.startsWith(ERROR_PREFIX)) enqueue(line('error', `task ${id} failed while stopping: ${describeError(error)}`, error));
      else enqueue(line('info', `task ${id} stopped`));
      enqueue.stopChild(id);
      enqueue.assign({ live: ({ context }) => setWithout(context.live, id), ready: ({ context }) => setWithout(context.ready, id) });
    }),
    forceStop: enqueueActions(({ context, enqueue }) => {
      const { id } = current(context);
      enqueue(line('warning', `task ${id} did not stop within ${context.stopTimeoutMs} ms; stopping it outright`));
      enqueue.stopChild(id);
      enqueue.assign({ live: ({ context }) => setWithout(context.live, id), ready: ({ context }) => setWithout(context.ready, id) });
    }),
  },
});

/** A ready task that crashed (or ended on its own): restart it, unless crashes come too fast. */
const crashed = [
  { guard: 'crashLoop', target: '#supervisor.stopping', actions: ['giveUp', 'forget'] },
  { actions: ['scheduleRestart', 'forget'] },
] as const;

/** The supervisor, measuring crash windows with `now` unless its input brings a clock of its own. */
export function createSupervisorMachine(now: () => number) {
  return supervisorSetup.createMachine({
    id: NAME,
    description:
      "The master's root actor, which owns every task: it starts them one at a time in 0.18's order (each must be ready in time or start-up is aborted), passes PAUSE and RESUME on, restarts a task that crashes after a doubling back-off, stops the master when tasks crash too often, and on QUIT stops the tasks in reverse order, each in time or outright.",
    context: ({ input }) => ({
      tasks: input.tasks,
      logTo: input.log,
      readyTimeoutMs: input.readyTimeoutMs ?? 10_000,
      stopTimeoutMs: input.stopTimeoutMs ?? 10_000,
      policy: { ...DEFAULT_RESTART_POLICY, ...input.restart },
      now: input.now ?? now,
      cursor: 0,
      spawned: input.tasks.length === 0 ? 0 : 1,
      live: new Set<string>(),
      ready: new Set<string>(),
      crashes: [],
      paused: false,
      outcome: { failed: false, reason: 'not stopped' },
    }),
    initial: 'starting',
    states: {
      starting: {
        always: { guard: 'noTasks', target: 'running' },
        entry: 'spawnTask',
        after: { readyTimeout: { target: 'stopping', actions: 'readyTimedOut' } },
        on: {
          'task.ready': [
            { guard: 'isCurrentLast', target: 'running', actions: 'markReady' },
            { guard: 'isCurrent', target: 'starting', reenter: true, actions: ['markReady', 'nextTask'] },
            // A task restarted while later ones are still starting.
            { actions: 'markReady' },
          ],
          'xstate.error.actor.*': [
            { guard: 'endIsCurrent', target: 'stopping', actions: ['startFailed', 'forget'] },
            ...crashed,
          ],
          'xstate.done.actor.*': [
            { guard: 'endIsCurrent', target: 'stopping', actions: ['startFailed', 'forget'] },
            ...crashed,
          ],
          'task.restart': { actions: 'spawnTask' },
          QUIT: { target: 'stopping', actions: 'quitRequested' },
        },
      },
      running: {
        entry: line('info', 'every task is ready'),
        on: {
          'task.ready': { actions: 'markReady' },
          'task.restart': { actions: 'spawnTask' },
          'xstate.error.actor.*': crashed,
          'xstate.done.actor.*': crashed,
          PAUSE: { actions: 'relay' },
          RESUME: { actions: 'relay' },
          QUIT: { target: 'stopping', actions: 'quitRequested' },
        },
      },
      stopping: {
        entry: 'beginShutdown',
        initial: 'next',
        states: {
          next: {
            always: [
              { guard: 'shutdownDone', target: '#supervisor.stopped' },
              { guard: 'currentNotLive', actions: 'skipTask' },
              { target: 'waiting' },
            ],
          },
          waiting: {
            entry: 'askToQuit',
            after: { stopTimeout: { target: 'next', actions: ['forceStop', 'skipTask'] } },
            on: {
              'xstate.done.actor.*': [
                { guard: 'endIsCurrent', target: 'next', actions: ['taskEnded', 'skipTask'] },
                { actions: 'taskEnded' },
              ],
              'xstate.error.actor.*': [
                { guard: 'endIsCurrent', target: 'next', actions: ['taskEnded', 'skipTask'] },
                { actions: 'taskEnded' },
              ],
            },
          },
        },
      },
      stopped: {
        type: 'final',
        entry: line('info', 'every task stopped'),
      },
    },
    output: ({ context }) => context.outcome,
  });
}

/** The chart with no clock of its own (drawings, and tests that bring one in their input). */
export const supervisorMachine = createSupervisorMachine(actionNotProvided(NAME, 'now'));
