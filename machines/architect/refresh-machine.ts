/**
 * The Architect's refresh cycle (behaviours 15, 17, 128–130; REFRESH is beyond 0.18): when the build-queue
 * query runs and what becomes of its answer. actors/architect/architect.ts runs it inside the task.
 *
 *   input    ArchitectRefreshInput { intervalMs, refreshGapMs, limit }
 *   events   REFRESH (Cloud Gazer recorded versions to build)
 *   actors   whenRunning   resolves when work may go on (at once unless the master is paused); rejects
 *                          with CancelledError once the task stops (any other failure crashes the machine)
 *            buildQueue    get_build_queue(limit); rejects with CancelledError (common/cancelled.ts) when the task stops
 *            publish       pushes QUEUE on the builds queue; resolves false when the queue is full
 *   actions  log(LogEntry)
 *   delays   interval (from the end of one query to the next, 60 s), refreshGap (3 s)
 *
 * Two regions:
 *   cycle   held ─running─► querying ─answer─► publishing ─► waiting ─interval─► held …
 *           The first query runs at start; each next one `interval` after the previous one ended
 *           (behaviour 15). `held` is where a paused master keeps the cycle (behaviour 17): no query
 *           starts until RESUME. A failed query is logged and tried again after the interval (the
 *           database being away must not crash the master); one cancelled at shutdown ends the cycle.
 *   gap     open ─a query REFRESH asked for ends─► cooling ─refreshGap─► open
 *
 * REFRESH: a REFRESH that no query started since has answered is `wanted`. Every query answers what was
 * wanted when it started, whoever asked for it. While the cycle is waiting and the gap is open, a wanted
 * REFRESH starts the next query at once rather than at the next interval (through `held`, so not while
 * paused); a REFRESH during a query asks for one more after it (the query may have started before the
 * versions were recorded); any number of REFRESHes meanwhile cost one query. The gap keeps REFRESH to at
 * most one query per `refreshGap` measured from the end of the last query it asked for, so Cloud Gazer
 * cannot make the database run the query back to back; the minute's queries go on as before.
 */
import { and, assign, enqueueActions, setup, stateIn } from 'xstate';
import type { BuildQueue } from '../../schema/database.js';
import { crash, wasCancelled } from '../common/cancelled.js';
import { describeError, type LogEntry } from '../common/log-entry.js';
import { actionNotProvided, actorNotProvided } from '../common/not-provided.js';
import { timerMs } from '../common/timer.js';

const NAME = 'architect-refresh';

/** 0.18: the query re-runs every 60 s, at most 100 000 rows per ABI (protocols/README.md §7). */
export const ARCHITECT_INTERVAL_MS = 60_000;
export const BUILD_QUEUE_LIMIT = 100_000;
/** The least time from the end of one query a REFRESH asked for to the start of the next. */
export const REFRESH_GAP_MS = 3_000;

export interface ArchitectRefreshInput {
  intervalMs?: number;
  refreshGapMs?: number;
  /** Rows per ABI. */
  limit?: number;
}

export interface ArchitectRefreshContext {
  intervalMs: number;
  refreshGapMs: number;
  limit: number;
  /** A REFRESH came that no query started since has answered. */
  wanted: boolean;
  /** The query held or running now is one a REFRESH asked for: its end starts the gap. */
  forRefresh: boolean;
}

export type ArchitectRefreshEvent =
  | { type: 'REFRESH' }
  /** Raised by the machine itself when a query a REFRESH asked for ends: the gap starts. */
  | { type: 'REFRESH_QUERY_ENDED' };

/** "cp311: 2, cp39: 0", or "empty": the debug line for each answer. */
export function describeQueue(queue: BuildQueue): string {
  const counts = Object.entries(queue).map(([abi, jobs]) => `${abi}: ${jobs.length}`);
  return counts.join(', ') || 'empty';
}

export const architectRefreshSetup = setup({
  types: {} as {
    input: ArchitectRefreshInput;
    context: ArchitectRefreshContext;
    events: ArchitectRefreshEvent;
  },
  actors: {
    whenRunning: actorNotProvided<void, void>(NAME, 'whenRunning'),
    buildQueue: actorNotProvided<BuildQueue, { limit: number }>(NAME, 'buildQueue'),
    publish: actorNotProvided<boolean, BuildQueue>(NAME, 'publish'),
  },
  actions: {
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    crash,
  },
  guards: {
    wanted: ({ context }) => context.wanted,
    forRefresh: ({ context }) => context.forRefresh,
    /** The query's failure is its cancellation at shutdown. */
    cancelled: wasCancelled,
    accepted: (_, accepted: boolean) => accepted,
    /** A REFRESH waits and the gap since the last query it asked for is over. */
    refreshDue: and(['wanted', stateIn(`#${NAME}.running.gap.open`)]),
  },
  delays: {
    interval: ({ context }) => timerMs(context.intervalMs),
    refreshGap: ({ context }) => timerMs(context.refreshGapMs),
  },
});

export const architectRefreshMachine = architectRefreshSetup.createMachine({
  id: NAME,
  description:
    "The Architect's refresh cycle: when the build-queue query runs and what becomes of its answer. The first query runs at start and each next one a minute after the last ended; a paused master holds the cycle; a failed query is logged and tried again after the interval. A REFRESH from Cloud Gazer starts the next query at once (any number of them cost one query), but never more than one per refresh gap, so PyPI's churn cannot make the database run the query back to back.",
  context: ({ input }) => ({
    intervalMs: input.intervalMs ?? ARCHITECT_INTERVAL_MS,
    refreshGapMs: input.refreshGapMs ?? REFRESH_GAP_MS,
    limit: input.limit ?? BUILD_QUEUE_LIMIT,
    wanted: false,
    forRefresh: false,
  }),
  initial: 'running',
  states: {
    running: {
      type: 'parallel',
      on: {
        REFRESH: {
          actions: [{ type: 'log', params: { level: 'debug', message: 'REFRESH: new versions to build' } }, assign({ wanted: true })],
        },
      },
      states: {
        cycle: {
          initial: 'held',
          states: {
            held: {
              invoke: {
                id: 'whenRunning',
                src: 'whenRunning',
                onDone: 'querying',
                onError: [{ guard: 'cancelled', target: `#${NAME}.stopped` }, { actions: 'crash' }],
              },
            },
            querying: {
              tags: 'busy',
              // This query answers every REFRESH so far.
              entry: assign({ wanted: false }),
              invoke: {
                id: 'buildQueue',
                src: 'buildQueue',
                input: ({ context }) => ({ limit: context.limit }),
                onDone: {
                  target: 'publishing',
                  actions: { type: 'log', params: ({ event }) => ({ level: 'debug', message: `build queue: ${describeQueue(event.output)}` }) },
                },
                onError: [
                  {
                    guard: 'cancelled',
                    target: `#${NAME}.stopped`,
                    actions: { type: 'log', params: { level: 'info', message: 'Cancelled query during shutdown' } },
                  },
                  {
                    target: 'waiting',
                    actions: {
                      type: 'log',
                      params: ({ context, event }) => ({
                        level: 'error',
                        message: `build queue query failed (${describeError(event.error)}); trying again in ${context.intervalMs / 1000} s`,
                        error: event.error,
                      }),
                    },
                  },
                ],
              },
              exit: enqueueActions(({ context, enqueue }) => {
                if (context.forRefresh) {
                  enqueue.assign({ forRefresh: false });
                  enqueue.raise({ type: 'REFRESH_QUERY_ENDED' });
                }
              }),
            },
            publishing: {
              tags: 'busy',
              invoke: {
                id: 'publish',
                src: 'publish',
                input: ({ event }) => (event as unknown as { output: BuildQueue }).output,
                onDone: [
                  { guard: { type: 'accepted', params: ({ event }) => event.output }, target: 'waiting' },
                  {
                    target: 'waiting',
                    actions: {
                      type: 'log',
                      params: { level: 'warning', message: 'the builds queue is full (is the Slave Driver running?); this refresh is dropped' },
                    },
                  },
                ],
                // No onError: a push that throws is a bug, and crashes the task as it always did.
              },
            },
            waiting: {
              after: { interval: 'held' },
              always: {
                guard: 'refreshDue',
                target: 'held',
                actions: assign({ forRefresh: true }),
              },
            },
          },
        },
        gap: {
          initial: 'open',
          states: {
            open: { on: { REFRESH_QUERY_ENDED: 'cooling' } },
            cooling: { after: { refreshGap: 'open' } },
          },
        },
      },
    },
    /** The task is stopping: nothing more runs. */
    stopped: { type: 'final' },
  },
});
