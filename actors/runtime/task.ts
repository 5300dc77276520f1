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
 * Events: `PAUSE`, `RESUME`, `QUIT` (task_control, protocols/README.md §4.11). To its parent: `task.ready`.
 * The chart (machines/task) decides when start and stop run; this file supplies them, the pause gate and
 * the periodic jobs.
 */
import { fromCallback, fromPromise, type ActorSystem, type AnyActorRef, type EventObject } from 'xstate';
import { createTaskMachine, type TaskKind, type TaskServiceInput } from '../../machines/task/index.js';
import { defineError } from '../../protocols/errors.js';
import { createLogger, logAt, type Logger } from './logger.js';
import { hostSpawner, type ChildSpawner } from './session-host.js';

export type { TaskControlEvent, TaskEvent, TaskKind } from '../../machines/task/index.js';
export type { TaskReadyEvent } from '../../machines/supervisor/index.js';

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

export const TaskStoppedError = defineError('PIW_ERR_TASK_STOPPED', (id: string) => `task ${id} is stopping`);
export type TaskStoppedError = InstanceType<typeof TaskStoppedError>;

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

/** What the task's actor keeps beside its chart: the task's context and what pauses and stops its work. */
interface Internals<I> {
  ctx: TaskContext<I>;
  gate: Gate;
  abort: AbortController;
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

export function createTask<I = Record<string, never>>(def: TaskDefinition<I>) {
  const blocks = def.kind === 'pauseable';
  const prepare = ({ input, self }: { input: TaskInput<I>; self: AnyActorRef }): Internals<I> => {
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
      fail: (error) => self.send({ type: 'task.fail', error }),
      sessions: hostSpawner(() => (self.getSnapshot()?.children as Record<string, AnyActorRef | undefined> | undefined)?.sessions),
    };
    return { ctx, gate, abort };
  };
  type Service = TaskServiceInput<Internals<I>>;
  return createTaskMachine<TaskInput<I>, Internals<I>>(def.kind, prepare).provide({
    actors: {
      start: fromPromise<unknown, Service>(async ({ input }) => def.start(input.runtime.ctx)),
      stop: fromPromise<void, Service>(async ({ input }) => {
        await (input.handle as TaskHandle | undefined)?.stop?.();
      }),
      // Lives as long as the actor: when the supervisor stops it outright, the task's work is told to end.
      lifetime: fromCallback<EventObject, Service>(({ input }) => () => input.runtime.abort.abort()),
    },
    actions: {
      log: ({ context }, line) => logAt(context.runtime.ctx.log, line.level, line.message, line.error),
      pause: ({ context }) => context.runtime.gate.pause(),
      resume: ({ context }) => context.runtime.gate.resume(),
      halt: ({ context }) => {
        context.runtime.abort.abort();
        context.runtime.gate.stop(new TaskStoppedError(context.id));
      },
      stopSessions: ({ context }) => context.runtime.ctx.sessions.stopAll(),
    },
  });
}
