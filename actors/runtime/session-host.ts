/**
 * The session host: the actor under which a task's peer sessions live (`slave_driver` → `sessions` →
 * `slave:…`). Every task invokes one (actors/runtime/task.ts), so a session is an actor of the master's one
 * system, listed with the rest (actor-tree.ts), and stopping the task stops the host and with it every
 * session. Code that runs without a task (benchmarks, tests of one part) makes a host of its own.
 *
 *   host.spawn { id, make }   spawns `make().logic` with `make().input` as the child `id` (a child still
 *                             under that id is stopped first); `make` is a function so that the logic,
 *                             which may hold closures and cycles, is not part of the event an inspector sees
 *   host.stop { id }          stops that child
 *   host.stopAll              stops every child (a task that crashed: an actor that errors leaves its
 *                             children running, unlike one that stops or ends)
 *   a child that ends         (final state or error) is taken out of the children at once
 *
 * `hostSpawner(host)` is the imperative face of it: `spawn` returns the new child's ref synchronously (the
 * host handles the event at once, as nothing else runs inside it).
 */
import { createActor, enqueueActions, setup, type ActorRefFrom, type AnyActorLogic, type AnyActorRef, type InputFrom } from 'xstate';
import { PiwError } from '../../protocols/errors.js';

export type SessionHostEvent =
  | { type: 'host.spawn'; id: string; make: () => { logic: AnyActorLogic; input: unknown } }
  | { type: 'host.stop'; id: string }
  | { type: 'host.stopAll' }
  | { type: `xstate.done.actor.${string}` }
  | { type: `xstate.error.actor.${string}`; error: unknown };

const DONE_PREFIX = 'xstate.done.actor.';
const ERROR_PREFIX = 'xstate.error.actor.';

/** The id of the child a done / error event is about. */
function endedChild(type: string): string {
  return type.startsWith(DONE_PREFIX) ? type.slice(DONE_PREFIX.length) : type.slice(ERROR_PREFIX.length);
}

export const sessionHostMachine = setup({
  types: { events: {} as SessionHostEvent },
  actions: {
    spawnSession: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'host.spawn') return;
      const { logic, input } = event.make();
      enqueue.stopChild(event.id);
      enqueue.spawnChild(logic, { id: event.id as never, input });
    }),
    stopSession: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'host.stop') enqueue.stopChild(event.id);
    }),
    stopEverySession: enqueueActions(({ self, enqueue }) => {
      for (const id of Object.keys(self.getSnapshot().children)) enqueue.stopChild(id);
    }),
    forgetEnded: enqueueActions(({ event, enqueue }) => enqueue.stopChild(endedChild(event.type))),
  },
}).createMachine({
  id: 'sessions',
  initial: 'hosting',
  states: {
    /** Its only state, for as long as its task lives. */
    hosting: {
      on: {
        'host.spawn': { actions: 'spawnSession' },
        'host.stop': { actions: 'stopSession' },
        'host.stopAll': { actions: 'stopEverySession' },
        'xstate.done.actor.*': { actions: 'forgetEnded' },
        'xstate.error.actor.*': { actions: 'forgetEnded' },
      },
    },
  },
});

export class SessionHostError extends PiwError {
  constructor(id: string) {
    super('PIW_ERR_SESSION_SPAWN', `session ${id} could not be spawned: its host is stopped or busy`);
    this.name = 'SessionHostError';
  }
}

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
