/**
 * Runs a task's own statechart (machines/architect, machines/cloud-gazer, …) inside the task, as a child
 * under the task's host (so it is in the master's actor tree and stops with the task): a machine error
 * crashes the task, and stopping waits for the work tagged `busy` to wind down (the task's signal has
 * already aborted it, so it ends as cancelled) before the machine stops.
 */
import { fromPromise, waitFor, type Actor, type AnyMachineSnapshot, type AnyStateMachine, type InputFrom } from 'xstate';
import { unlessCancelled } from '../../machines/common/cancelled.js';
import type { LogEntry } from '../../machines/common/log-entry.js';
import { logAt, type Logger } from './logger.js';
import type { TaskContext } from './task.js';

export interface TaskMachine<M extends AnyStateMachine> {
  readonly actor: Actor<M>;
  stop(): Promise<void>;
}

export function runTaskMachine<M extends AnyStateMachine>(ctx: TaskContext<unknown>, machine: M, input: InputFrom<M>): TaskMachine<M> {
  const actor = ctx.sessions.spawn(machine, { id: machine.id, input }) as Actor<M>;
  actor.subscribe({ error: (err) => ctx.fail(err) });
  return {
    actor,
    async stop() {
      await waitFor(actor, (s) => !(s as AnyMachineSnapshot).hasTag('busy')).catch(() => undefined);
      ctx.sessions.stop(machine.id);
    },
  };
}

/** The `log` action of a task's machine, writing to the task's logger. */
export function logAction(log: Logger) {
  return (_: unknown, { level, message, error }: LogEntry) => logAt(log, level, message, error);
}

/** The `whenRunning` actor of a task's machine: the task's pause gate, CancelledError once it stops. */
export function whenRunningActor(ctx: TaskContext<unknown>) {
  return fromPromise<void, void>(() => unlessCancelled(ctx.signal, 'waiting for RESUME', () => ctx.whenRunning()));
}
