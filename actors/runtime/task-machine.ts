/**
 * Runs a task's own statechart (machines/architect, machines/cloud-gazer, …) inside the task, as a child
 * under the task's host (so it is in the master's actor tree and stops with the task): a machine error
 * crashes the task, and stopping waits for the work tagged `busy` to wind down (the task's signal has
 * already aborted it, so it ends as cancelled) before the machine stops. `startChild` does the same for
 * the charts of a task's parts (an Oracle, the Scribe's write scheduling, …), which also run without a task.
 */
import {
  createActor,
  fromPromise,
  waitFor,
  type Actor,
  type ActorRefFrom,
  type AnyActorLogic,
  type AnyActorRef,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type InputFrom,
} from 'xstate';
import { unlessCancelled } from '../../machines/common/cancelled.js';
import type { LogEntry } from '../../machines/common/log-entry.js';
import { logAt, type Logger } from './logger.js';
import type { TaskContext } from './task.js';

export interface TaskMachine<M extends AnyStateMachine> {
  readonly actor: Actor<M>;
  stop(): Promise<void>;
}

export function runTaskMachine<M extends AnyStateMachine>(ctx: TaskContext<unknown>, machine: M, input: InputFrom<M>): TaskMachine<M> {
  const child = startChild(ctx, machine, { id: machine.id, input });
  const actor = child.actor as Actor<M>;
  return {
    actor,
    async stop() {
      await waitFor(actor, (s) => !(s as AnyMachineSnapshot).hasTag('busy')).catch(() => undefined);
      child.stop();
    },
  };
}

/** What a part of a task (an Oracle, the Scribe, a circuit breaker, …) needs to run its chart as the task's child. */
export type TaskChildren = Pick<TaskContext<unknown>, 'sessions' | 'fail'>;

export interface Child<L extends AnyActorLogic> {
  /** Already started. */
  readonly actor: ActorRefFrom<L>;
  stop(): void;
}

/**
 * Starts a part's chart: inside a task (`task` given) as the child `id` under the task's host, so it is in
 * the master's actor tree, stops with the task, and an error in it crashes the task; without one (unit
 * tests, benchmarks) as an actor of its own. Either way the actor has started when this returns: whatever
 * it emits on entering its first state has gone before a listener can be added.
 */
export function startChild<L extends AnyActorLogic>(task: TaskChildren | undefined, logic: L, { id, input }: { id: string; input: InputFrom<L> }): Child<L> {
  if (task === undefined) {
    const actor = createActor(logic, { id, input }).start();
    return { actor: actor as unknown as ActorRefFrom<L>, stop: () => void actor.stop() };
  }
  const actor = task.sessions.spawn(logic, { id, input });
  (actor as AnyActorRef).subscribe({ error: (err: unknown) => task.fail(err) });
  return { actor, stop: () => task.sessions.stop(id) };
}

/** The `log` action of a task's machine, writing to the task's logger. */
export function logAction(log: Logger) {
  return (_: unknown, { level, message, error }: LogEntry) => logAt(log, level, message, error);
}

/** The `whenRunning` actor of a task's machine: the task's pause gate, CancelledError once it stops. */
export function whenRunningActor(ctx: TaskContext<unknown>) {
  return fromPromise<void, void>(() => unlessCancelled(ctx.signal, 'waiting for RESUME', () => ctx.whenRunning()));
}
