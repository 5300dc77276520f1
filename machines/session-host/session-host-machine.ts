/**
 * The session host: the actor under which a task's peer sessions live (`slave_driver` → `sessions` →
 * `slave:…`). Every task invokes one (machines/task), so a session is an actor of the master's one system,
 * and stopping the task stops the host and with it every session.
 *
 *   host.spawn { id, make }   spawns `make().logic` with `make().input` as the child `id` (a child still
 *                             under that id is stopped first); `make` is a function so that the logic,
 *                             which may hold closures and cycles, is not part of the event an inspector sees
 *   host.stop { id }          stops that child
 *   host.stopAll              stops every child (a task that crashed: an actor that errors leaves its
 *                             children running, unlike one that stops or ends)
 *   a child that ends         (final state or error) is taken out of the children at once
 */
import { enqueueActions, setup, type AnyActorLogic } from 'xstate';

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
  description:
    "The host under which a task's peer sessions live: one per task, so every slave session, file transfer and import session is a child in the master's one actor system, listed with the rest, and stopping (or a crash of) the task stops them all. It spawns a session per connected peer, stops one on request, and forgets one the moment it ends.",
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
