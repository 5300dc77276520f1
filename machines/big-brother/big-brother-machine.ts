/**
 * Big Brother's statistics cycle (behaviours 157–163): three jobs, each in its own region, each run at
 * start and then an interval after its last run ended:
 *
 *   stats   every 10 s: read this machine's figures, keep them in a history of 100, publish STATS (157)
 *   home    every 30 s: merge the database's figures (GETSTATS), send HOME <stats> to the web queue (158)
 *   search  every 5 min: send SEARCH <GETSEARCH> to the web queue (159)
 *
 * STATFS (the output path's disk) and STATBQ (build queue lengths) update the figures; HOME (piw-rebuild)
 * runs the home and search jobs now, or once more as soon as a run in progress ends (161); REPLAY (a new
 * monitor) publishes the history again (163). While the master is paused (the owner's `paused` guard: Big
 * Brother is a `pausing` task) a job that comes due does nothing but log it (162), and figures read while
 * it paused are dropped. A job that fails is logged and runs again at its next interval (statistics are
 * never worth stopping the master for).
 *
 * Pure: reading the machine and the database and talking to the web queue are actors the owner supplies
 * (each read answers with the time it was made, which stamps the figures), publishing STATS and logging
 * are actions, and the intervals are named delays.
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { MasterStatsWire } from '../../protocols/records.js';
import type { Statistics } from '../../schema/api.js';
import { actionNotProvided, actorNotProvided, NotProvidedError } from '../common/not-provided.js';
import { describeError, type LogEntry } from '../common/log-entry.js';
import { initialStats, toMasterStatsWire, withStatistics, type MachineFigures, type MasterStats } from '../../protocols/master-stats.js';

const NAME = 'bigBrother';

export const STATS_INTERVAL_MS = 10_000;
export const HOME_INTERVAL_MS = 30_000;
export const SEARCH_INTERVAL_MS = 5 * 60_000;
export const HISTORY_SIZE = 100;

export type SearchIndex = Record<string, [number, number]>;

export interface BigBrotherInput {
  /** When Big Brother started: the timestamp of the figures before anything is measured. */
  at: Date;
  statsIntervalMs?: number;
  homeIntervalMs?: number;
  searchIntervalMs?: number;
  historySize?: number;
}

export interface BigBrotherContext {
  stats: MasterStats;
  /** What STATS published, oldest first, for a new monitor. */
  history: readonly MasterStats[];
  historySize: number;
  statsIntervalMs: number;
  homeIntervalMs: number;
  searchIntervalMs: number;
  /** A HOME came while the job was running: run it again as soon as it ends. */
  homeAgain: boolean;
  searchAgain: boolean;
}

export type BigBrotherEvent =
  | { type: 'STATFS'; data: [number, number] }
  | { type: 'STATBQ'; data: Record<string, number> }
  | { type: 'HOME' }
  | { type: 'REPLAY' };

/** A reading and when it was made. */
export interface Reading<T> {
  value: T;
  at: Date;
}

type Done<T> = { output: T };

const debug = (message: string) => ({ type: 'log', params: { level: 'debug', message } }) as const;
/** A failed job: `unable to <name>: <why>`, with the error. */
const failed = (name: string) =>
  ({
    type: 'log',
    params: ({ event }: { event: unknown }): LogEntry => {
      const { error } = event as { error: unknown };
      return { level: 'error', message: `unable to ${name}: ${describeError(error)}`, error };
    },
  }) as const;

export const bigBrotherMachine = setup({
  types: {
    input: {} as BigBrotherInput,
    context: {} as BigBrotherContext,
    events: {} as BigBrotherEvent,
  },
  actors: {
    readMachine: actorNotProvided<Reading<MachineFigures>, void>(NAME, 'readMachine'),
    getStatistics: actorNotProvided<Reading<Statistics>, void>(NAME, 'getStatistics'),
    getSearchIndex: actorNotProvided<SearchIndex, void>(NAME, 'getSearchIndex'),
    /** HOME <stats> to the web queue; resolves on DONE. */
    sendHome: actorNotProvided<void, MasterStatsWire>(NAME, 'sendHome'),
    /** SEARCH <index> to the web queue; resolves on DONE. */
    sendSearch: actorNotProvided<void, SearchIndex>(NAME, 'sendSearch'),
  },
  actions: {
    /** STATS <stats> on the status queue. */
    publish: actionNotProvided(NAME, 'publish') as (_: unknown, params: MasterStatsWire) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    record: assign(({ context, event }) => {
      const { value, at } = (event as unknown as Done<Reading<MachineFigures>>).output;
      const stats = { ...context.stats, ...value, timestamp: at };
      return { stats, history: [...context.history, stats].slice(-context.historySize) };
    }),
    publishLatest: enqueueActions(({ context, enqueue }) => enqueue({ type: 'publish', params: toMasterStatsWire(context.stats) })),
    mergeStatistics: assign({
      stats: ({ context, event }) => {
        const { value, at } = (event as unknown as Done<Reading<Statistics>>).output;
        return withStatistics({ ...context.stats, timestamp: at }, value);
      },
    }),
    replay: enqueueActions(({ context, enqueue }) => {
      for (const entry of context.history) enqueue({ type: 'publish', params: toMasterStatsWire(entry) });
    }),
  },
  guards: {
    // Provided by the owner: the master is paused.
    paused: () => {
      throw new NotProvidedError(NAME, 'paused');
    },
    homeAgain: ({ context }) => context.homeAgain,
    searchAgain: ({ context }) => context.searchAgain,
  },
  delays: {
    statsInterval: ({ context }) => context.statsIntervalMs,
    homeInterval: ({ context }) => context.homeIntervalMs,
    searchInterval: ({ context }) => context.searchIntervalMs,
  },
}).createMachine({
  id: NAME,
  description:
    "Big Brother's statistics: three jobs, each run at start and then an interval after its last run ended: the master's figures published as STATS every 10 s, HOME with the database's figures every 30 s and SEARCH every 5 min to the web queue. A HOME from piw-rebuild runs the web jobs now; a new monitor gets the history again; while the master is paused a job that comes due is only logged, and a failed job runs again at its next interval.",
  context: ({ input }) => ({
    stats: initialStats(input.at),
    history: [],
    historySize: input.historySize ?? HISTORY_SIZE,
    statsIntervalMs: input.statsIntervalMs ?? STATS_INTERVAL_MS,
    homeIntervalMs: input.homeIntervalMs ?? HOME_INTERVAL_MS,
    searchIntervalMs: input.searchIntervalMs ?? SEARCH_INTERVAL_MS,
    homeAgain: false,
    searchAgain: false,
  }),
  type: 'parallel',
  on: {
    STATFS: { actions: assign({ stats: ({ context, event }) => ({ ...context.stats, diskSize: event.data[0], diskFree: event.data[1] }) }) },
    STATBQ: { actions: assign({ stats: ({ context, event }) => ({ ...context.stats, buildsPending: event.data }) }) },
    REPLAY: { actions: 'replay' },
  },
  states: {
    stats: {
      initial: 'due',
      states: {
        due: {
          always: [
            { guard: 'paused', target: 'waiting', actions: debug('paused: not going to read the machine statistics') },
            { target: 'reading' },
          ],
        },
        reading: {
          invoke: {
            id: 'readMachine',
            src: 'readMachine',
            onDone: [
              // read while the master went to sleep: dropped
              { guard: 'paused', target: 'waiting' },
              { target: 'waiting', actions: ['record', 'publishLatest'] },
            ],
            onError: { target: 'waiting', actions: failed('read the machine statistics') },
          },
        },
        waiting: { after: { statsInterval: 'due' } },
      },
    },
    home: {
      initial: 'due',
      on: { HOME: { actions: assign({ homeAgain: true }) } },
      states: {
        due: {
          entry: assign({ homeAgain: false }),
          always: [
            { guard: 'paused', target: 'ended', actions: debug('paused: not going to update the home page') },
            { target: 'querying' },
          ],
        },
        querying: {
          invoke: {
            id: 'getStatistics',
            src: 'getStatistics',
            onDone: { target: 'sending', actions: 'mergeStatistics' },
            onError: { target: 'ended', actions: failed('update the home page') },
          },
        },
        sending: {
          invoke: {
            id: 'sendHome',
            src: 'sendHome',
            input: ({ context }) => toMasterStatsWire(context.stats),
            onDone: 'ended',
            onError: { target: 'ended', actions: failed('update the home page') },
          },
        },
        ended: { always: [{ guard: 'homeAgain', target: 'due' }, { target: 'waiting' }] },
        waiting: {
          after: { homeInterval: 'due' },
          on: { HOME: 'due' },
        },
      },
    },
    search: {
      initial: 'due',
      on: { HOME: { actions: assign({ searchAgain: true }) } },
      states: {
        due: {
          entry: assign({ searchAgain: false }),
          always: [
            { guard: 'paused', target: 'ended', actions: debug('paused: not going to update the search index') },
            { target: 'querying' },
          ],
        },
        querying: {
          invoke: {
            id: 'getSearchIndex',
            src: 'getSearchIndex',
            onDone: 'sending',
            onError: { target: 'ended', actions: failed('update the search index') },
          },
        },
        sending: {
          invoke: {
            id: 'sendSearch',
            src: 'sendSearch',
            input: ({ event }) => (event as unknown as Done<SearchIndex>).output,
            onDone: 'ended',
            onError: { target: 'ended', actions: failed('update the search index') },
          },
        },
        ended: { always: [{ guard: 'searchAgain', target: 'due' }, { target: 'waiting' }] },
        waiting: {
          after: { searchInterval: 'due' },
          on: { HOME: 'due' },
        },
      },
    },
  },
});
