import { createActor, type AnyMachineSnapshot } from 'xstate';
import { writeSchedulerMachine, type RefreshTarget } from '../../../machines/scribe/index.js';
import { exploreMachine } from '../support/coverage.js';

test('generated paths reach every state and transition of the write scheduling', () => {
  const report = exploreMachine(writeSchedulerMachine, {
    input: undefined,
    events: (s) => [
      { type: 'SUBMIT' as const, id: 1, key: 'pkg:foo' },
      ...[...(s.context.running as ReadonlyMap<string, number>)].map(([key, id]) => ({ type: 'FINISHED' as const, id, key })),
      { type: 'PAUSE' as const },
      { type: 'RESUME' as const },
      ...(['rootIndex', 'searchIndex'] as const).flatMap((target) => [
        { type: 'REFRESH' as const, id: 9, target },
        { type: 'REFRESHED' as const, target },
      ]),
    ],
    serializeState: (s: AnyMachineSnapshot) =>
      JSON.stringify([s.value, [...(s.context.running as ReadonlyMap<string, number>).keys()], [...(s.context.waiting as ReadonlyMap<string, readonly number[]>).values()].map((ids) => Math.min(ids.length, 2))]),
  });
  expect(report.unreachedStates).toEqual([]);
  expect(report.untakenTransitions).toEqual([]);
});

/** A live scheduler recording what it asks of its owner. */
function live() {
  const did: string[] = [];
  const actor = createActor(
    writeSchedulerMachine.provide({
      actions: {
        run: (_, { id, key }) => void did.push(`run ${id} ${key}`),
        refresh: (_, { target }) => void did.push(`refresh ${target}`),
        refreshed: (_, { target, ids, error }) => void did.push(`refreshed ${target} [${ids.join()}]${error === undefined ? '' : ` ${String(error)}`}`),
      },
    }),
  ).start();
  const take = () => did.splice(0);
  return { actor, take };
}

test('jobs of one key run one at a time in the order they came; other keys run side by side', () => {
  const { actor, take } = live();
  actor.send({ type: 'SUBMIT', id: 1, key: 'pkg:foo' });
  actor.send({ type: 'SUBMIT', id: 2, key: 'pkg:foo' });
  actor.send({ type: 'SUBMIT', id: 3, key: 'pkg:bar' });
  actor.send({ type: 'SUBMIT', id: 4, key: 'pkg:foo' });
  expect(take()).toEqual(['run 1 pkg:foo', 'run 3 pkg:bar']);
  actor.send({ type: 'FINISHED', id: 3, key: 'pkg:bar' });
  expect(take()).toEqual([]);
  actor.send({ type: 'FINISHED', id: 1, key: 'pkg:foo' }); // worked or not: the next one goes
  expect(take()).toEqual(['run 2 pkg:foo']);
  actor.send({ type: 'FINISHED', id: 2, key: 'pkg:foo' });
  expect(take()).toEqual(['run 4 pkg:foo']);
});

test('behaviour 17: while paused no job starts, those running finish; RESUME starts the waiting ones in order', () => {
  const { actor, take } = live();
  actor.send({ type: 'SUBMIT', id: 1, key: 'pkg:foo' });
  take();
  actor.send({ type: 'PAUSE' });
  actor.send({ type: 'SUBMIT', id: 2, key: 'pkg:foo' });
  actor.send({ type: 'SUBMIT', id: 3, key: 'home' });
  actor.send({ type: 'FINISHED', id: 1, key: 'pkg:foo' });
  expect(take()).toEqual([]);
  actor.send({ type: 'RESUME' });
  expect(take()).toEqual(['run 2 pkg:foo', 'run 3 home']);
});

test('refreshes asked for while a rewrite runs share one more rewrite; each waiter hears after a rewrite that started after it', () => {
  const { actor, take } = live();
  const refresh = (id: number, target: RefreshTarget = 'rootIndex') => actor.send({ type: 'REFRESH', id, target });
  refresh(1);
  expect(take()).toEqual(['refresh rootIndex']);
  refresh(2);
  refresh(3);
  refresh(4, 'searchIndex');
  expect(take()).toEqual(['refresh searchIndex']);
  actor.send({ type: 'REFRESHED', target: 'rootIndex' });
  expect(take()).toEqual(['refreshed rootIndex [1]', 'refresh rootIndex']);
  actor.send({ type: 'REFRESHED', target: 'rootIndex', error: 'disk full' });
  expect(take()).toEqual(['refreshed rootIndex [2,3] disk full']);
  // a failed rewrite does not block the next
  refresh(5);
  expect(take()).toEqual(['refresh rootIndex']);
  actor.send({ type: 'REFRESHED', target: 'searchIndex' });
  expect(take()).toEqual(['refreshed searchIndex [4]']);
});

test('rewrites are not held by pause: they finish the jobs that asked for them', () => {
  const { actor, take } = live();
  actor.send({ type: 'PAUSE' });
  actor.send({ type: 'REFRESH', id: 1, target: 'searchIndex' });
  expect(take()).toEqual(['refresh searchIndex']);
});
