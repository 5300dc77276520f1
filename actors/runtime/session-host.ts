/**
 * Spawning a task's peer sessions under its session host (the chart is machines/session-host; every task
 * invokes one, so a session is an actor of the master's one system, listed with the rest by actor-tree.ts).
 * `hostSpawner(host)` is its imperative face: `spawn` returns the new child's ref synchronously (the host
 * handles the event at once, as nothing else runs inside it). Code that runs without a task (benchmarks,
 * tests of one part) makes a host of its own with `standaloneHost()`.
 */
import { createActor, type ActorRefFrom, type AnyActorLogic, type AnyActorRef, type InputFrom } from 'xstate';
import { sessionHostMachine, type SessionHostEvent } from '../../machines/session-host/index.js';
import { defineError } from '../../protocols/errors.js';

export const SessionHostError = defineError('PIW_ERR_SESSION_SPAWN', (id: string) => `session ${id} could not be spawned: its host is stopped or busy`);
export type SessionHostError = InstanceType<typeof SessionHostError>;

/** Spawns and stops the children of one host. */
export interface ChildSpawner {
  spawn<L extends AnyActorLogic>(logic: L, options: { id: string; input: InputFrom<L> }): ActorRefFrom<L>;
  stop(id: string): void;
  stopAll(): void;
}

export function hostSpawner(host: () => AnyActorRef | undefined): ChildSpawner {
  const children = () => (host()?.getSnapshot().children ?? {}) as Record<string, AnyActorRef | undefined>;
  return {
    spawn(logic, { id, input }) {
      const before = children()[id];
      host()?.send({ type: 'host.spawn', id, make: () => ({ logic, input }) } satisfies SessionHostEvent);
      const ref = children()[id];
      // The host handles the event before send returns unless it is stopped, or this call came from
      // inside its own transition (then the event waits and the ref is not there yet).
      if (ref === undefined || ref === before) throw new SessionHostError(id);
      return ref as ActorRefFrom<typeof logic>;
    },
    stop(id) {
      host()?.send({ type: 'host.stop', id } satisfies SessionHostEvent);
    },
    stopAll() {
      host()?.send({ type: 'host.stopAll' } satisfies SessionHostEvent);
    },
  };
}

/** A host that is the root of a system of its own, for a part that runs without a task. */
export function standaloneHost(): { spawner: ChildSpawner; stop(): void } {
  const host = createActor(sessionHostMachine).start();
  return { spawner: hostSpawner(() => host), stop: () => void host.stop() };
}

/** The task's spawner when there is one, else a host of its own (stopped by `stop`, which is a no-op for the task's). */
export function spawnerOrOwnHost(given: ChildSpawner | undefined): { spawner: ChildSpawner; stop(): void } {
  return given === undefined ? standaloneHost() : { spawner: given, stop: () => undefined };
}
