/**
 * Tasks: the master's long-running parts (Scribe, Slave Driver, File Juggler, ...), each an xstate actor the
 * supervisor starts, pauses, resumes and stops. `createTask` turns a task's start function into that actor
 * and gives the three kinds of piwheels 0.18 (behaviours 17–19):
 *
 * - `pauseable` (Scribe, Architect, Cloud Gazer, Mr Chase, Lumberjack): PAUSE blocks all work —
 *   `ctx.whenRunning()` waits until RESUME and periodic jobs do not run — until RESUME or QUIT.
 * - `pausing` (Slave Driver, Secretary, Big Brother): PAUSE only sets a flag (`ctx.paused()`); queues keep
 *   being serviced.
 * - `nonstop` (Seraph, Oracles, File Juggler): PAUSE and RESUME are logged and ignored.
 *
 * The start function sets the task up (bus handlers, sockets, timers) and returns a handle whose `stop()`
 * undoes it; the task is ready (and tells its parent) once start has resolved. A start that throws, or a
 * `ctx.fail(err)` later on, crashes the task: its handle is stopped first (so a restart can bind the same
 * sockets), then the actor errors and the supervisor decides what happens next. If start fails it must
 * release what it had already taken itself.
 *
 * Events: `PAUSE`, `RESUME`, `QUIT` (task_control, protocols.md §4.11). To its parent: `task.ready`.
 */
import { assign, fromCallback, fromPromise, setup, type ActorSystem, type AnyActorRef, type EventObject } from 'xstate';
import { PiwError } from '../../protocols/errors.js';
import { createLogger, type Logger } from './logger.js';
import { hostSpawner, sessionHostMachine, type ChildSpawner } from './session-host.js';

export type TaskKind = 'pauseable' | 'pausing' | 'nonstop';

export type TaskControlEvent = { type: 'PAUSE' } | { type: 'RESUME' } | { type: 'QUIT' };
export type TaskEvent = TaskControlEvent | { type: 'task.fail'; error: unknown };

/** Sent to the parent when the task is ready. */
export interface TaskReadyEvent {
  type: 'task.ready';
  id: string;
}

export interface Periodic {
  /** Runs the job on the next turn instead of waiting for the interval (behaviour 16). */
  force(): void;
}

export interface TaskContext<I> {
  readonly id: string;
  readonly input: I;
  readonly log: Logger;
  /** The actor system: `system.get(systemId)` finds the other tasks and peers. */
  readonly system: ActorSystem<any>;
  /** Aborted when the task stops or crashes. */
  readonly signal: AbortSignal;
  /** True between PAUSE and RESUME (never for `nonstop` tasks). */
  paused(): boolean;
  /** Resolves when work may go on: at once unless a `pauseable` task is paused; rejects once it stops. */
  whenRunning(): Promise<void>;
  /**
   * Runs `job` now, then `intervalMs` after each run ends (behaviour 15); paused `pauseable` tasks skip runs
   * until resumed. A job that throws crashes the task.
   */
  every(intervalMs: number, job: () => unknown): Periodic;
  /** Crashes the task with this error. */
  fail(error: unknown): void;
  /**
   * Spawns the task's peer sessions as children of its session host (`<task>` → `sessions` → …), so they
   * belong to the master's actor system and stop when the task stops (see sessions.ts for the registry).
   */
  readonly sessions: ChildSpawner;
}

export interface TaskHandle {
  stop?(): void | Promise<void>;
}

export interface TaskDefinition<I> {
  kind: TaskKind;
  start(ctx: TaskContext<I>): TaskHandle | void | Promise<TaskHandle | void>;
}

/** Every task accepts a logger in its input; without one it logs to stderr under its id. */
export type TaskInput<I> = I & { log?: Logger };

export class TaskStoppedError extends PiwError {
  constructor(id: string) {
    super('PIW_ERR_TASK_STOPPED', `task ${id} is stopping`);
    this.name = 'TaskStoppedError';
  }
}

/** What a paused task's work waits at. */
class Gate {
  private isPaused = false;
  private stopped: Error | undefined;
  private waiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(private readonly blocks: boolean) {}

  get paused(): boolean {
    return this.isPaused;
  }

  whenRunning(): Promise<void> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (!this.isPaused || !this.blocks) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  pause(): void {
    this.isPaused = true;
  }

  resume(): void {
    this.isPaused = false;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  stop(err: Error): void {
    this.stopped = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
}

interface Internals<I> {
  ctx: TaskContext<I>;
  gate: Gate;
  abort: AbortController;
  handle: TaskHandle | undefined;
  crash: { error: unknown } | undefined;
  quitRequested: boolean;
}

function periodic(ctx: TaskContext<unknown>, gate: Gate, intervalMs: number, job: () => unknown): Periodic {
  let timer: NodeJS.Timeout | undefined;
  let forced: NodeJS.Immediate | undefined;
  let running = false;
  let again = false;
  const run = async () => {
    timer = undefined;
    forced = undefined;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await gate.whenRunning();
      await job();
    } catch (err) {
      if (ctx.signal.aborted) return;
      return ctx.fail(err);
    } finally {
      running = false;
    }
    if (ctx.signal.aborted) return;
    if (again) {
      again = false;
      return void run();
    }
    timer = setTimeout(run, intervalMs);
  };
  ctx.signal.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      clearImmediate(forced);
    },
    { once: true },
  );
  void run();
  return {
    force() {
      if (ctx.signal.aborted) return;
      if (running) again = true;
      else if (timer !== undefined) {
        // Waiting for the interval: run on the next turn instead. A force while that turn is pending
        // (timer undefined, forced set) changes nothing.
        clearTimeout(timer);
        timer = undefined;
        forced = setImmediate(run);
      }
    },
  };
}

async function stopHandle(internals: Internals<unknown>): Promise<void> {
  await internals.handle?.stop?.();
}

export function createTask<I = Record<string, never>>(def: TaskDefinition<I>) {
  const blocks = def.kind === 'pauseable';
  return setup({
    types: {
      input: {} as TaskInput<I>,
      context: {} as Internals<I>,
      events: {} as TaskEvent,
    },
    actors: {
      start: fromPromise<TaskHandle | void, Internals<I>>(async ({ input }) => def.start(input.ctx)),
      stop: fromPromise<void, Internals<I>>(({ input }) => stopHandle(input as Internals<unknown>)),
      // Lives as long as the actor: when the supervisor stops it outright, the task's work is told to end.
      lifetime: fromCallback<EventObject, Internals<I>>(({ input }) => () => input.abort.abort()),
      sessions: sessionHostMachine,
    },
    actions: {
      tellParentReady: ({ context, self }) => {
        self._parent?.send({ type: 'task.ready', id: context.ctx.id } satisfies TaskReadyEvent);
      },
      pause: ({ context }) => context.gate.pause(),
      resume: ({ context }) => context.gate.resume(),
      keepHandle: assign({ handle: ({ event }) => (event as { output?: TaskHandle | void }).output ?? undefined }),
      recordCrash: assign({ crash: ({ event }) => ({ error: (event as unknown as { error: unknown }).error }) }),
      // 0.18 logs every control message a task receives at debug level: `<< QUIT None` (behaviour 33).
      logControl: ({ context, event }) => context.ctx.log.debug(`<< ${event.type} None`),
      halt: ({ context }) => {
        context.abort.abort();
        context.gate.stop(new TaskStoppedError(context.ctx.id));
      },
    },
  }).createMachine({
    id: 'task',
    context: ({ input, self }) => {
      const { log: givenLog, ...rest } = input;
      const log = givenLog ?? createLogger(self.id);
      const gate = new Gate(blocks);
      const abort = new AbortController();
      const ctx: TaskContext<I> = {
        id: self.id,
        input: rest as unknown as I,
        log,
        system: self.system,
        signal: abort.signal,
        paused: () => gate.paused,
        whenRunning: () => gate.whenRunning(),
        every: (intervalMs, job) => periodic(ctx as TaskContext<unknown>, gate, intervalMs, job),
        fail: (error) => (self as AnyActorRef).send({ type: 'task.fail', error }),
        sessions: hostSpawner(() => (self.getSnapshot()?.children as Record<string, AnyActorRef | undefined> | undefined)?.sessions),
      };
      return { ctx, gate, abort, handle: undefined, crash: undefined, quitRequested: false };
    },
    invoke: [
      { src: 'lifetime', input: ({ context }) => context },
      { id: 'sessions', src: 'sessions' },
    ],
    initial: 'starting',
    states: {
      starting: {
        entry: ({ context }) => context.ctx.log.info('starting'),
        invoke: {
          src: 'start',
          input: ({ context }) => context,
          onDone: [
            { guard: ({ context }) => context.crash !== undefined, target: 'crashing', actions: 'keepHandle' },
            { guard: ({ context }) => context.quitRequested, target: 'stopping', actions: 'keepHandle' },
            { target: 'running', actions: ['keepHandle', 'tellParentReady'] },
          ],
          onError: { actions: 'halt', target: 'failed' },
        },
        on: {
          // Start-up is not cut short: whatever it sets up must be handed back to be stopped.
          QUIT: { actions: ['logControl', assign({ quitRequested: true })] },
          'task.fail': { actions: 'recordCrash' },
        },
      },
      running: {
        on: {
          PAUSE:
            def.kind === 'nonstop'
              ? { actions: ['logControl', ({ context }) => context.ctx.log.info('ignoring PAUSE (this task never pauses)')] }
              : { target: 'paused', actions: 'logControl' },
          RESUME: {
            actions: [
              'logControl',
              ({ context }) =>
                def.kind === 'nonstop'
                  ? context.ctx.log.info('ignoring RESUME (this task never pauses)')
                  : context.ctx.log.warn('RESUME received while not paused'),
            ],
          },
          QUIT: { target: 'stopping', actions: 'logControl' },
          'task.fail': { target: 'crashing', actions: 'recordCrash' },
        },
      },
      paused: {
        entry: [({ context }) => context.ctx.log.info('paused'), 'pause'],
        on: {
          PAUSE: { actions: ['logControl', ({ context }) => context.ctx.log.debug('PAUSE received while already paused')] },
          // Not an exit action: leaving for `stopping` must refuse waiting work, not release it.
          RESUME: { target: 'running', actions: ['logControl', 'resume', ({ context }) => context.ctx.log.info('resumed')] },
          QUIT: { target: 'stopping', actions: 'logControl' },
          'task.fail': { target: 'crashing', actions: 'recordCrash' },
        },
      },
      stopping: {
        entry: [({ context }) => context.ctx.log.info('stopping'), 'halt'],
        invoke: {
          src: 'stop',
          input: ({ context }) => context,
          onDone: 'stopped',
          onError: {
            target: 'stopped',
            actions: ({ context, event }) => context.ctx.log.error('failed to stop cleanly', event.error),
          },
        },
      },
      crashing: {
        entry: 'halt',
        invoke: {
          src: 'stop',
          input: ({ context }) => context,
          onDone: 'failed',
          onError: {
            target: 'failed',
            actions: ({ context, event }) => context.ctx.log.error('failed to stop cleanly after a crash', event.error),
          },
        },
      },
      // Erroring the actor is how the supervisor learns of the crash (xstate.error.actor.<id>). An actor
      // that errors does not stop its children: the sessions are stopped first.
      failed: {
        entry: ({ context, event }) => {
          context.ctx.sessions.stopAll();
          throw context.crash?.error ?? (event as { error?: unknown }).error;
        },
      },
      stopped: {
        type: 'final',
        entry: ({ context }) => context.ctx.log.info('stopped'),
      },
    },
  });
}
