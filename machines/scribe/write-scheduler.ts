/**
 * The Scribe's write scheduling (web-templates/README.md §2–§5): in what order the writes asked of it run.
 *
 * - Jobs (one per scribe-queue request) come with a key: the package they write, or `home`. Jobs of one key
 *   run one at a time in the order they came; jobs of different keys run side by side. A job is handed to
 *   the owner with `run` and reported back with FINISHED (whether it worked or not).
 * - While the master is paused, no job starts: those that come wait, in order, until RESUME (jobs already
 *   running finish). The Scribe is a `pauseable` task (behaviour 17).
 * - The root index (simple/index.html and .json) and the search index (packages.json) list every package,
 *   so a burst of packages must not rewrite them once each: a REFRESH starts a rewrite (`refresh`) when none
 *   runs; one that comes while a rewrite runs waits for one more rewrite after it, which every REFRESH made
 *   meanwhile shares. Each waiter is told (`refreshed`) when a rewrite that started after its REFRESH has
 *   ended. A burst of N requests during one rewrite costs two rewrites, not N. These are not held by pause:
 *   they finish the jobs that asked for them.
 *
 *   dispatch:   active ⇄ paused (PAUSE / RESUME)
 *   rootIndex, searchIndex:   idle ─REFRESH─► writing ─REFRESH─► writingThenAgain ─REFRESHED─► writing ─REFRESHED─► idle
 *
 * Pure: the owner (actors/scribe/scribe.ts) runs the jobs and the rewrites when told and reports back.
 */
import { assign, setup } from 'xstate';
import { actionNotProvided } from '../common/not-provided.js';

const NAME = 'scribe';

export type RefreshTarget = 'rootIndex' | 'searchIndex';

/**
 * Jobs by key are Maps, copied on change: keyed by package, plain objects would give V8 a new hidden class
 * for every package a rebuild names (and `delete` makes them slow dictionaries), a cost in every event.
 */
export interface WriteSchedulerContext {
  /** Jobs not yet started, per key, oldest first. */
  waiting: ReadonlyMap<string, readonly number[]>;
  /** Keys with a job running. */
  running: ReadonlyMap<string, number>;
  /** Per target: the waiters of the rewrite in progress, and of the one after it. */
  refreshing: Readonly<Record<RefreshTarget, { current: readonly number[]; next: readonly number[] }>>;
}

export type WriteSchedulerEvent =
  | { type: 'SUBMIT'; id: number; key: string }
  | { type: 'FINISHED'; id: number; key: string }
  | { type: 'REFRESH'; id: number; target: RefreshTarget }
  | { type: 'REFRESHED'; target: RefreshTarget; error?: unknown }
  | { type: 'PAUSE' }
  | { type: 'RESUME' };

export interface RefreshedParams {
  target: RefreshTarget;
  ids: readonly number[];
  error?: unknown;
}

const without = <T>(map: ReadonlyMap<string, T>, key: string): Map<string, T> => {
  const copy = new Map(map);
  copy.delete(key);
  return copy;
};

/** The next job of every key that has none running. */
function startable(context: WriteSchedulerContext): { key: string; id: number }[] {
  const jobs: { key: string; id: number }[] = [];
  for (const [key, ids] of context.waiting) if (!context.running.has(key) && ids.length > 0) jobs.push({ key, id: ids[0]! });
  return jobs;
}

type Refresh = Extract<WriteSchedulerEvent, { type: 'REFRESH' | 'REFRESHED' }>;

/** The region of one refresh target. */
function refreshRegion(target: RefreshTarget) {
  const mine = ({ event }: { event: WriteSchedulerEvent }) => (event as Refresh).target === target;
  return {
    initial: 'idle' as const,
    states: {
      idle: {
        on: { REFRESH: { guard: mine, target: 'writing' as const, actions: [{ type: 'waitForCurrent' as const, params: { target } }, { type: 'refresh' as const, params: { target } }] } },
      },
      writing: {
        on: {
          REFRESH: { guard: mine, target: 'writingThenAgain' as const, actions: { type: 'waitForNext' as const, params: { target } } },
          REFRESHED: { guard: mine, target: 'idle' as const, actions: settle(target) },
        },
      },
      writingThenAgain: {
        on: {
          REFRESH: { guard: mine, actions: { type: 'waitForNext' as const, params: { target } } },
          REFRESHED: {
            guard: mine,
            target: 'writing' as const,
            actions: [settle(target), { type: 'promoteNext' as const, params: { target } }, { type: 'refresh' as const, params: { target } }],
          },
        },
      },
    },
  };
}

export const writeSchedulerSetup = setup({
  types: {
    context: {} as WriteSchedulerContext,
    events: {} as WriteSchedulerEvent,
  },
  actions: {
    // Provided by the Scribe.
    run: actionNotProvided(NAME, 'run') as (_: unknown, params: { id: number; key: string }) => void,
    refresh: actionNotProvided(NAME, 'refresh') as (_: unknown, params: { target: RefreshTarget }) => void,
    refreshed: actionNotProvided(NAME, 'refreshed') as (_: unknown, params: RefreshedParams) => void,

    enqueue: assign({
      waiting: ({ context, event }) => {
        const { id, key } = event as Extract<WriteSchedulerEvent, { type: 'SUBMIT' }>;
        return new Map(context.waiting).set(key, [...(context.waiting.get(key) ?? []), id]);
      },
    }),
    release: assign({
      running: ({ context, event }) => without(context.running, (event as Extract<WriteSchedulerEvent, { type: 'FINISHED' }>).key),
    }),
    waitForCurrent: assign({
      refreshing: ({ context, event }, { target }: { target: RefreshTarget }) => ({
        ...context.refreshing,
        [target]: { current: [...context.refreshing[target].current, (event as Refresh & { id: number }).id], next: context.refreshing[target].next },
      }),
    }),
    waitForNext: assign({
      refreshing: ({ context, event }, { target }: { target: RefreshTarget }) => ({
        ...context.refreshing,
        [target]: { current: context.refreshing[target].current, next: [...context.refreshing[target].next, (event as Refresh & { id: number }).id] },
      }),
    }),
    promoteNext: assign({
      refreshing: ({ context }, { target }: { target: RefreshTarget }) => ({
        ...context.refreshing,
        [target]: { current: context.refreshing[target].next, next: [] },
      }),
    }),
  },
});

/** Starts the next job of every free key, in the order the keys first had work. */
const dispatch = writeSchedulerSetup.enqueueActions(({ context, enqueue }) => {
  const jobs = startable(context);
  if (jobs.length === 0) return;
  const waiting = new Map(context.waiting);
  const running = new Map(context.running);
  for (const { key, id } of jobs) {
    const rest = waiting.get(key)!.slice(1);
    if (rest.length > 0) waiting.set(key, rest);
    else waiting.delete(key);
    running.set(key, id);
  }
  enqueue.assign({ waiting, running });
  for (const job of jobs) enqueue({ type: 'run', params: job });
});

/** Tells the waiters of the rewrite that ended. */
const settle = (target: RefreshTarget) =>
  writeSchedulerSetup.enqueueActions(({ context, event, enqueue }) => {
    const { error } = event as Extract<WriteSchedulerEvent, { type: 'REFRESHED' }>;
    const ids = context.refreshing[target].current;
    enqueue.assign({ refreshing: { ...context.refreshing, [target]: { current: [], next: context.refreshing[target].next } } });
    enqueue({ type: 'refreshed', params: error === undefined ? { target, ids } : { target, ids, error } });
  });

export const writeSchedulerMachine = writeSchedulerSetup.createMachine({
  id: NAME,
  description:
    "The order of the Scribe's writes: jobs for one package run one at a time in the order they came, different packages side by side, and none starts while the master is paused. The root index and the search index, which list every package, are rewritten once for a burst: a request during a rewrite waits for one more rewrite after it, which every request meanwhile shares.",
  context: {
    waiting: new Map(),
    running: new Map(),
    refreshing: { rootIndex: { current: [], next: [] }, searchIndex: { current: [], next: [] } },
  },
  type: 'parallel',
  states: {
    dispatch: {
      initial: 'active',
      states: {
        active: {
          on: {
            SUBMIT: { actions: ['enqueue', dispatch] },
            FINISHED: { actions: ['release', dispatch] },
            PAUSE: 'paused',
          },
        },
        // Jobs wait; those running finish.
        paused: {
          on: {
            SUBMIT: { actions: 'enqueue' },
            FINISHED: { actions: 'release' },
            RESUME: { target: 'active', actions: dispatch },
          },
        },
      },
    },
    rootIndex: refreshRegion('rootIndex'),
    searchIndex: refreshRegion('searchIndex'),
  },
});
