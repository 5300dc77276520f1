/**
 * Peer sessions as children in the master's one actor system: the registry (actors/runtime/sessions.ts),
 * the session host every task invokes (session-host.ts) and the walk over the tree (actor-tree.ts).
 */
import { createActor, setup, toPromise, waitFor, type AnyActorRef } from 'xstate';
import { liveActors } from '../../../actors/runtime/actor-tree.js';
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { standaloneHost } from '../../../actors/runtime/session-host.js';
import { SessionRegistry, type SessionEnd } from '../../../actors/runtime/sessions.js';
import { supervisorMachine } from '../../../actors/runtime/supervisor.js';
import { createTask, type TaskContext } from '../../../actors/runtime/task.js';

/** A peer session: waits for BYE (then ends with the reason) or FAIL (then errors). */
const peerMachine = setup({
  types: { input: {} as { name: string }, context: {} as { name: string }, events: {} as { type: 'BYE' } | { type: 'FAIL' } },
}).createMachine({
  context: ({ input }) => ({ name: input.name }),
  initial: 'talking',
  states: {
    talking: {
      on: {
        BYE: 'gone',
        FAIL: {
          actions: () => {
            throw new Error('the session broke');
          },
        },
      },
    },
    gone: { type: 'final' },
  },
  output: ({ context }) => ({ reason: 'bye', name: context.name }),
});

type Peers = SessionRegistry<typeof peerMachine, { since: number }>;

/** A task that only keeps a registry of peer sessions; its stop() leaves them running on purpose. */
function peersTask(found: { ctx?: TaskContext<unknown>; registry?: Peers; ends: string[] }) {
  return createTask({
    kind: 'nonstop',
    start(ctx) {
      found.ctx = ctx as TaskContext<unknown>;
      found.registry = new SessionRegistry({
        name: 'peer',
        spawner: ctx.sessions,
        onEnd: (session, end) => found.ends.push(`${session.key} ${end.status}`),
      });
    },
  });
}

async function rootWith(found: Parameters<typeof peersTask>[0]) {
  const log = memoryLogger('master');
  const root = createActor(supervisorMachine, {
    input: { log, tasks: [{ id: 'peers', logic: peersTask(found), input: { log: log.child('peers') } }], restart: { initialDelayMs: 60_000 } },
  });
  root.start();
  await waitFor(root, (s) => s.matches('running'));
  return root;
}

/** Waits, turn by turn, until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise<void>((resolve) => setTimeout(resolve, 1));
}

const paths = (root: AnyActorRef) => liveActors(root).map((a) => a.path.join(' / '));

describe('sessions in the actor system', () => {
  test('the tree lists every live actor: the root, each task, its session host and each live session', async () => {
    const found = { ends: [] as string[] } as Parameters<typeof peersTask>[0];
    const root = await rootWith(found);
    const registry = found.registry!;
    const a = registry.spawn('a', peerMachine, { name: 'a' }, { since: 1 });
    registry.spawn('b', peerMachine, { name: 'b' }, { since: 2 });
    const sessions = () => paths(root).filter((p) => p.startsWith('peers / sessions /'));
    expect(sessions()).toEqual(['peers / sessions / peer:a', 'peers / sessions / peer:b']);

    const tree = liveActors(root);
    const [top, task, host, first] = [tree[0]!, tree.find((x) => x.id === 'peers')!, tree.find((x) => x.id === 'sessions')!, tree.find((x) => x.id === 'peer:a')!];
    expect(top).toMatchObject({ parent: undefined, path: [], systemId: undefined });
    expect(task).toMatchObject({ systemId: 'peers', parent: top.sessionId });
    expect(host.parent).toBe(task.sessionId);
    expect(first).toMatchObject({ parent: host.sessionId, ref: a.ref });
    expect(new Set(tree.map((x) => x.sessionId)).size).toBe(tree.length);

    // A session that ends leaves the tree and the registry, and its owner is told how it ended.
    a.ref.send({ type: 'BYE' });
    expect(sessions()).toEqual(['peers / sessions / peer:b']);
    expect(registry.get('a')).toBeUndefined();
    expect(found.ends).toEqual(['a done']);

    root.send({ type: 'QUIT' });
    await toPromise(root);
  });

  test('stopping a task stops its sessions, though its own stop() left them running', async () => {
    const found = { ends: [] as string[] } as Parameters<typeof peersTask>[0];
    const root = await rootWith(found);
    const refs = ['a', 'b'].map((key) => found.registry!.spawn(key, peerMachine, { name: key }, { since: 0 }).ref);
    root.send({ type: 'QUIT' });
    await toPromise(root);
    expect(refs.map((r) => r.getSnapshot().status)).toEqual(['stopped', 'stopped']);
    expect(liveActors(root)).toEqual([]);
    expect(found.ends).toEqual(['a stopped', 'b stopped']);
  });

  test('a task that crashes stops its sessions too (an actor that errors leaves its children running)', async () => {
    const found = { ends: [] as string[] } as Parameters<typeof peersTask>[0];
    const root = await rootWith(found);
    const ref = found.registry!.spawn('a', peerMachine, { name: 'a' }, { since: 0 }).ref;
    try {
      found.ctx!.fail(new Error('boom'));
      await until(() => ref.getSnapshot().status !== 'active');
      expect(ref.getSnapshot().status).toBe('stopped');
      expect(paths(root).filter((p) => p.includes('peer:'))).toEqual([]);
    } finally {
      root.send({ type: 'QUIT' });
      await toPromise(root);
    }
  });
});

describe('the session registry', () => {
  function registry() {
    const host = standaloneHost();
    const ends: [string, SessionEnd['status']][] = [];
    const peers: Peers = new SessionRegistry({ name: 'peer', spawner: host.spawner, onEnd: (s, end) => ends.push([s.key, end.status]) });
    return { host, peers, ends };
  }

  test('spawn, get, alias, find, list and stop; the owner is told only of sessions that end on their own', () => {
    const { host, peers, ends } = registry();
    const a = peers.spawn('a', peerMachine, { name: 'a' }, { since: 1 });
    peers.spawn('b', peerMachine, { name: 'b' }, { since: 2 });
    peers.alias('a', '7');
    expect(peers.get('a')).toBe(a);
    expect(peers.find('7')).toBe(a);
    expect(peers.list().map((s) => [s.key, s.data.since])).toEqual([['a', 1], ['b', 2]]);
    expect(peers.size).toBe(2);
    expect(peers.stop('a')).toBe(true);
    expect(peers.stop('a')).toBe(false);
    expect(a.ref.getSnapshot().status).toBe('stopped');
    expect(peers.find('7')).toBeUndefined();
    expect(ends).toEqual([]);
    peers.get('b')!.ref.send({ type: 'FAIL' });
    expect(ends).toEqual([['b', 'error']]);
    expect(peers.size).toBe(0);
    host.stop();
  });

  test('a second session for the same key replaces the first, which is stopped', () => {
    const { host, peers, ends } = registry();
    const first = peers.spawn('a', peerMachine, { name: 'first' }, { since: 1 });
    const second = peers.spawn('a', peerMachine, { name: 'second' }, { since: 2 });
    expect(first.ref.getSnapshot().status).toBe('stopped');
    expect(second.ref.getSnapshot().context.name).toBe('second');
    expect(peers.list()).toEqual([second]);
    expect(ends).toEqual([]);
    second.ref.send({ type: 'BYE' });
    expect(ends).toEqual([['a', 'done']]);
    host.stop();
  });

  test('a spawn from inside the host\'s own transition cannot be done at once and says so', () => {
    const { host, peers } = registry();
    const spawnInside = setup({}).createMachine({
      entry: () => {
        expect(() => peers.spawn('inner', peerMachine, { name: 'inner' }, { since: 0 })).toThrow(
          expect.objectContaining({ code: 'PIW_ERR_SESSION_SPAWN' }),
        );
      },
    });
    // A child whose start runs while the host is still handling the spawn of it.
    host.spawner.spawn(spawnInside, { id: 'outer', input: undefined });
    host.stop();
  });
});
