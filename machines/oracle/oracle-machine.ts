/**
 * An Oracle (protocols/README.md §4.4, behaviours 171–172): each request from the query to the answer, with
 * the retry while the database cannot be reached (a restart, a failover): a request whose query fails that
 * way is made again after 0.1 s, then after twice as long each time up to 2 s, until it succeeds or the
 * next wait would take it past `retryForMs` (60 s) since the request came in; then it is answered ERROR,
 * as is any other failure at once. When the Oracle is stopping, a waiting request is tried once more at
 * once and a failure is final.
 *
 *   idle ─REQUEST─► querying ─ANSWERED─► idle (reply OK)
 *   querying ─FAILED (unreachable, time left, not stopping)─► waiting ─retryWait / STOP─► querying
 *   querying ─FAILED (otherwise)─► idle (reply ERROR)
 *
 * One actor per Oracle answers one request at a time (Seraph hands out the next once it has replied): an
 * actor per request would cost more than the query of a small request.
 *
 * Pure: the owner (actors/oracle/oracle.ts) runs the query when asked (`query`) and sends back ANSWERED or
 * FAILED with the time it happened and whether the failure was the database being unreachable; it sends
 * `reply` and writes what `log` asks.
 */
import { and, assign, setup } from 'xstate';
import { actionNotProvided } from '../common/not-provided.js';
import type { LogEntry } from '../common/log-entry.js';

const NAME = 'oracle';

/** The first wait before a request is made again, and the longest. */
export const FIRST_RETRY_MS = 100;
export const LONGEST_RETRY_MS = 2000;
/** How long a request is tried again while the database is unreachable. */
export const DEFAULT_RETRY_FOR_MS = 60_000;

export interface OracleInput {
  /** The Oracle's number, for log lines. */
  oracle: number;
  retryForMs?: number;
}

export type OracleAnswer = { verb: 'OK'; data: unknown } | { verb: 'ERROR'; data: string };

export type OracleRequestEvent =
  /** `request` is what the owner's `query` runs (opaque to the chart); `at` when it came in (ms). */
  | { type: 'REQUEST'; request: { verb: string }; at: number }
  | { type: 'ANSWERED'; data: unknown; at: number }
  /** `unreachable`: the database could not be reached (worth trying again). */
  | { type: 'FAILED'; message: string; unreachable: boolean; at: number }
  /** The Oracle is stopping: no more waiting. */
  | { type: 'STOP' };

export interface OracleRequestContext {
  oracle: number;
  request: { verb: string };
  verb: string;
  startedAt: number;
  retryForMs: number;
  /** The wait before the next attempt. */
  wait: number;
  failures: number;
  stopping: boolean;
}

type Failed = Extract<OracleRequestEvent, { type: 'FAILED' }>;

const replyOk = {
  type: 'reply',
  params: ({ event }: { event: OracleRequestEvent }): OracleAnswer => ({ verb: 'OK', data: (event as Extract<OracleRequestEvent, { type: 'ANSWERED' }>).data }),
} as const;

export const oracleMachine = setup({
  types: {
    input: {} as OracleInput,
    context: {} as OracleRequestContext,
    events: {} as OracleRequestEvent,
  },
  actions: {
    // Provided by the Oracle: runs the request's query, then sends ANSWERED or FAILED.
    query: actionNotProvided(NAME, 'query') as (_: unknown, params: { request: unknown }) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    reply: actionNotProvided(NAME, 'reply') as (_: unknown, params: OracleAnswer) => void,
    begin: assign(({ event }) => {
      const { request, at } = event as Extract<OracleRequestEvent, { type: 'REQUEST' }>;
      return { request, verb: request.verb, startedAt: at, wait: FIRST_RETRY_MS, failures: 0 };
    }),
    countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
    backOff: assign({ wait: ({ context }) => Math.min(context.wait * 2, LONGEST_RETRY_MS) }),
    noteStop: assign({ stopping: true }),
  },
  guards: {
    retryable: ({ context, event }) => {
      const { unreachable, at } = event as Failed;
      return unreachable && !context.stopping && at - context.startedAt + context.wait <= context.retryForMs;
    },
    firstFailure: ({ context }) => context.failures === 0,
    hadFailures: ({ context }) => context.failures > 0,
  },
  delays: {
    retryWait: ({ context }) => context.wait,
  },
}).createMachine({
  id: NAME,
  description:
    'An Oracle: one database request at a time, from the query to the answer. A query that fails because the database cannot be reached (a restart, a failover) is made again after 0.1 s, doubling up to 2 s, for up to a minute before the request is answered ERROR; any other failure is answered ERROR at once. While the Oracle stops, a waiting request is tried once more and its failure is final.',
  context: ({ input }) => ({
    oracle: input.oracle,
    request: { verb: '' },
    verb: '',
    startedAt: 0,
    retryForMs: input.retryForMs ?? DEFAULT_RETRY_FOR_MS,
    wait: FIRST_RETRY_MS,
    failures: 0,
    stopping: false,
  }),
  initial: 'idle',
  on: { STOP: { actions: 'noteStop' } },
  states: {
    idle: {
      on: { REQUEST: { target: 'querying', actions: 'begin' } },
    },
    querying: {
      entry: { type: 'query', params: ({ context }) => ({ request: context.request }) },
      on: {
        ANSWERED: [
          {
            guard: 'hadFailures',
            target: 'idle',
            actions: [
              {
                type: 'log',
                params: ({ context, event }) => ({
                  level: 'info',
                  message: `oracle ${context.oracle}: the database answered ${context.verb} after ${context.failures} failed attempts in ${((event.at - context.startedAt) / 1000).toFixed(1)} s`,
                }),
              },
              replyOk,
            ],
          },
          { target: 'idle', actions: replyOk },
        ],
        FAILED: [
          {
            guard: and(['retryable', 'firstFailure']),
            target: 'waiting',
            actions: [
              {
                type: 'log',
                params: ({ context, event }) => ({
                  level: 'warning',
                  message: `oracle ${context.oracle}: the database is unreachable (${event.message}); trying ${context.verb} again for up to ${context.retryForMs / 1000} s`,
                }),
              },
              'countFailure',
            ],
          },
          { guard: 'retryable', target: 'waiting', actions: 'countFailure' },
          {
            target: 'idle',
            actions: {
              type: 'reply',
              params: ({ context, event }) => ({
                verb: 'ERROR',
                data: context.failures > 0 ? `${event.message} (after ${context.failures + 1} attempts)` : event.message,
              }),
            },
          },
        ],
      },
    },
    waiting: {
      after: { retryWait: { target: 'querying', actions: 'backOff' } },
      on: { STOP: { target: 'querying', actions: ['noteStop', 'backOff'] } },
    },
  },
});
