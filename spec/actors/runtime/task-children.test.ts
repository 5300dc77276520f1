/**
 * startChild (actors/runtime/task-machine.ts): the chart of a task's part (an Oracle, the Scribe's write
 * scheduling, a circuit breaker, …) runs as a child under the task's host when given the task, and on its
 * own otherwise.
 */
import { createActor, setup, toPromise, waitFor, type AnyActorRef } from 'xstate';
import { liveActors } from '../../../actors/runtime/actor-tree.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { createTask, type TaskContext } from '../../../actors/runtime/task.js';
import { startChild, type Child } from '../../../actors/runtime/task-machine.js';

/** A part's chart: counts PINGs; BOOM throws from an action. */
const partMachine = setup({
  types: { input: {} as { start: number }, context: {} as { pings: number }, events: {} as { type: 'PING' } | { type: 'BOOM' } },
}).createMachine({
  context: ({ input }) => ({ pings: input.start }),
  on: {
    PING: { actions: ({ context }) => void context.pings++ },
    BOOM: {
      actions: () => {
        throw new Error('the part broke');
      },
    },
  },
});

/** A task with one part, which its stop() stops. */
function taskWithPart(found: { part?: Child<typeof partMachine> }) {
  return createTask<object>({
    kind: 'nonstop',
    start(ctx) {
      const part = startChild(ctx as TaskContext<unknown>, partMachine, { id: 'part', input: { start: 5 } });
      found.part = part;
      return { stop: () => part.stop() };
    },
  });
}

async function startTask(found: { part?: Child<typeof partMachine> }) {
  const task = createActor(taskWithPart(found), { id: 'owner', input: { log: memoryLogger('owner') } }).start();
  await waitFor(task, (s) => s.matches('running'));
  return task;
}

const paths = (root: AnyActorRef) => liveActors(root).map((a) => a.path.join(' / '));

test("inside a task the part's chart is the child `id` under the task's host, started, and stops with the task", async () => {
  const found: { part?: Child<typeof partMachine> } = {};
  const task = await startTask(found);
  expect(paths(task)).toContain('sessions / part');
  const part = found.part!.actor;
  part.send({ type: 'PING' });
  expect(part.getSnapshot().context.pings).toBe(6);
  task.send({ type: 'QUIT' });
  await toPromise(task);
  expect(part.getSnapshot().status).toBe('stopped');
});

test('an error in the chart of a task\'s part crashes the task', async () => {
  const found: { part?: Child<typeof partMachine> } = {};
  const task = await startTask(found);
  const crashed = toPromise(task);
  found.part!.actor.send({ type: 'BOOM' });
  await expect(crashed).rejects.toThrow('the part broke');
  expect(found.part!.actor.getSnapshot().status).not.toBe('active');
});

test('without a task the chart runs as an actor of its own, which stop() stops', () => {
  const part = startChild(undefined, partMachine, { id: 'part', input: { start: 1 } });
  expect(part.actor.getSnapshot().status).toBe('active');
  expect((part.actor as AnyActorRef)._parent).toBeUndefined();
  part.actor.send({ type: 'PING' });
  expect(part.actor.getSnapshot().context.pings).toBe(2);
  part.stop();
  expect(part.actor.getSnapshot().status).toBe('stopped');
});
