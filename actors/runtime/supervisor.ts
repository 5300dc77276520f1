/**
 * The root supervisor: the one actor that owns every task of a process. It spawns each task by `systemId`
 * (so tasks find each other with `system.get(id)`), starts them one at a time in the given order, each
 * within `readyTimeoutMs` of being spawned or start-up is aborted (behaviour 24); stops them in reverse
 * order on QUIT (behaviour 25), each within `stopTimeoutMs` or it is stopped outright; restarts a crashed
 * task after an exponential back-off, logging why; and stops the whole process when tasks crash more than
 * `maxCrashes` times within `windowMs` (a crash loop is not worth riding out). PAUSE / RESUME go to every
 * ready task, or to the one named by `id`; a task restarted while the master is paused is paused again.
 *
 * A task is any actor logic that sends its parent `{ type: 'task.ready', id }` once ready, ends (reaches
 * a final state) on QUIT, and errors when it crashes: `createTask` (task.ts) builds exactly that.
 */
import { assign, enqueueActions, setup, type AnyActorLogic } from 'xstate';
import { createLogger, type Logger } from './logger.js';
import { describe } from './errors.js';
import type { TaskReadyEvent } from './task.js';

export interface SupervisedTask {
  id: string;
  logic: AnyActorLogic;
  input?: unknown;
}

export interface RestartPolicy {
  /** Back-off before the first restart of a task; doubled (by `factor`) for each crash still in the window. */
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** More crashes than this, across all tasks, within `windowMs` stops the process. */
  maxCrashes: number;
  windowMs: number;
}

export interface SupervisorInput {
  tasks: SupervisedTask[];
  log?: Logger;
  /** 0.18 waits 10 s for each task (protocols.md §2.1). */
  readyTimeoutMs?: number;
  stopTimeoutMs?: number;
  restart?: Partial<RestartPolicy>;
  /** The clock crash windows are measured with. */
  now?: () => number;
}

export interface SupervisorOutput {
  /** False for an orderly QUIT; true when start-up failed or a crash loop stopped the process. */
  failed: boolean;
  reason: string;
  error?: unknown;
}

export type SupervisorEvent =
  | { type: 'PAUSE'; id?: string }
  | { type: 'RESUME'; id?: string }
  | { type: 'QUIT'; reason?: string }
  | TaskReadyEvent
  | { type: 'task.restart'; id: string }
  | { type: `xstate.error.actor.${string}`; error: unknown }
  | { type: `xstate.done.actor.${string}`; output: unknown };

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  maxCrashes: 5,
  windowMs: 60_000,
};

interface Context {
  tasks: SupervisedTask[];
  log: Logger;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  policy: RestartPolicy;
  now: () => number;
  /** Index of the task being started (start-up) or stopped (shutdown). */
  cursor: number;
  /** How many tasks start-up reached: shutdown walks back from there. */
  spawned: number;
  live: Set<string>;
  ready: Set<string>;
  crashes: { id: string; at: number }[];
  paused: boolean;
  outcome: SupervisorOutput;
}

const ERROR_PREFIX = 'xstate.error.actor.';
const DONE_PREFIX = 'xstate.done.actor.';

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

const supervisorSetup = setup({
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
    crashLoop: ({ context }) => {
      const at = context.now();
      return recentCrashes(context, at).length + 1 > context.policy.maxCrashes;
    },
    shutdownDone: ({ context }) => context.cursor < 0,
    currentNotLive: ({ context }) => !context.live.has(current(context).id),
  },
  actions: {
    spawnTask: enqueueActions(({ context, event, enqueue }) => {
      const id = event.type === 'task.restart' ? event.id : context.tasks[context.cursor]?.id;
      const task = context.tasks.find((t) => t.id === id);
      if (id === undefined || task === undefined || context.live.has(id)) return;
      context.log.info(`starting task ${id}`);
      enqueue.spawnChild(task.logic, { id: id as never, systemId: id, input: task.input as never });
      enqueue.assign({ live: ({ context }) => new Set(context.live).add(id) });
    }),
    markReady: enqueueActions(({ context, event, enqueue }) => {
      const { id } = event as TaskReadyEvent;
      context.log.info(`task ${id} ready`);
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
    startFailed: assign({
      outcome: ({ context, event }) => {
        const { id, error } = childEnd(event);
        context.log.error(`task ${id} failed to start: ${describe(error)}; aborting start-up`, error);
        return { failed: true, reason: `task ${id} failed to start`, error };
      },
    }),
    readyTimedOut: assign({
      outcome: ({ context }) => {
        const { id } = current(context);
        context.log.error(`task ${id} not ready within ${context.readyTimeoutMs} ms; aborting start-up`);
        return { failed: true, reason: `task ${id} not ready within ${context.readyTimeoutMs} ms` };
      },
    }),
    scheduleRestart: enqueueActions(({ context, event, enqueue }) => {
      const { id, error } = childEnd(event);
      const at = context.now();
      const { initialDelayMs, factor, maxDelayMs, maxCrashes } = context.policy;
      const mine = recentCrashes(context, at, id).length; // earlier crashes of this task still in the window
      const delay = Math.min(maxDelayMs, Math.round(initialDelayMs * factor ** mine));
      const total = recentCrashes(context, at).length + 1;
      context.log.error(
        `task ${id} crashed: ${describe(error)}; restarting in ${delay} ms (${total} of at most ${maxCrashes} crashes in ${context.policy.windowMs} ms)`,
        error,
      );
      enqueue.assign({ crashes: ({ context }) => [...recentCrashes(context, at), { id, at }] });
      enqueue.raise({ type: 'task.restart', id }, { delay, id: `restart.${id}` });
    }),
    giveUp: assign({
      outcome: ({ context, event }) => {
        const { id, error } = childEnd(event);
        const { maxCrashes, windowMs } = context.policy;
        context.log.error(
          `task ${id} crashed: ${describe(error)}; more than ${maxCrashes} crashes in ${windowMs} ms, stopping the master`,
          error,
        );
        return { failed: true, reason: `more than ${maxCrashes} task crashes in ${windowMs} ms`, error };
      },
    }),
    relay: enqueueActions(({ context, event, enqueue }) => {
      const { type, id } = event as { type: 'PAUSE' | 'RESUME'; id?: string };
      if (id !== undefined) {
        if (!context.ready.has(id)) return context.log.warn(`cannot ${type} task ${id}: it is not running`);
        context.log.info(`${type} task ${id}`);
        return enqueue.sendTo(id, { type });
      }
      context.log.info(type === 'PAUSE' ? 'pausing every task' : 'resuming every task');
      enqueue.assign({ paused: type === 'PAUSE' });
      for (const task of context.tasks) if (context.ready.has(task.id)) enqueue.sendTo(task.id, { type });
    }),
    quitRequested: assign({
      outcome: ({ context, event }) => {
        const reason = (event as { reason?: string }).reason ?? 'QUIT received';
        context.log.info(`shutting down: ${reason}`);
        return { failed: false, reason };
      },
    }),
    beginShutdown: assign({ cursor: ({ context }) => context.spawned - 1 }),
    skipTask: assign({ cursor: ({ context }) => context.cursor - 1 }),
    askToQuit: enqueueActions(({ context, enqueue }) => {
      const { id } = current(context);
      context.log.info(`stopping task ${id}`);
      enqueue.sendTo(id, { type: 'QUIT' });
    }),
    taskEnded: enqueueActions(({ context, event, enqueue }) => {
      const { id, error } = childEnd(event);
      if (event.type.startsWith(ERROR_PREFIX)) context.log.error(`task ${id} failed while stopping: ${describe(error)}`, error);
      else context.log.info(`task ${id} stopped`);
      enqueue.stopChild(id);
      enqueue.assign({ live: ({ context }) => setWithout(context.live, id), ready: ({ context }) => setWithout(context.ready, id) });
    }),
    forceStop: enqueueActions(({ context, enqueue }) => {
      const { id } = current(context);
      context.log.warn(`task ${id} did not stop within ${context.stopTimeoutMs} ms; stopping it outright`);
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

export const supervisorMachine = supervisorSetup.createMachine({
  id: 'supervisor',
  context: ({ input }) => ({
    tasks: input.tasks,
    log: input.log ?? createLogger('master'),
    readyTimeoutMs: input.readyTimeoutMs ?? 10_000,
    stopTimeoutMs: input.stopTimeoutMs ?? 10_000,
    policy: { ...DEFAULT_RESTART_POLICY, ...input.restart },
    now: input.now ?? Date.now,
    cursor: 0,
    spawned: input.tasks.length === 0 ? 0 : 1,
    live: new Set(),
    ready: new Set(),
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
      entry: ({ context }) => context.log.info('every task is ready'),
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
      entry: ({ context }) => context.log.info('every task stopped'),
    },
  },
  output: ({ context }) => context.outcome,
});

function setWithout<T>(set: Set<T>, item: T): Set<T> {
  const copy = new Set(set);
  copy.delete(item);
  return copy;
}
