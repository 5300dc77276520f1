/**
 * One request to an Oracle (protocols.md §4.4, behaviours 171–172), from the query to the answer, with
 * the retry while the database cannot be reached (a restart, a failover): a request whose query fails that
 * way is made again after 0.1 s, then after twice as long each time up to 2 s, until it succeeds or the
 * next wait would take it past `retryForMs` (60 s) since the request came in; then it is answered ERROR,
 * as is any other failure at once. When the Oracle is stopping, a waiting request is tried once more at
 * once and a failure is final.
 *
 *   querying ─ANSWERED─► answered (OK)
 *   querying ─FAILED (transient, time left, not stopping)─► waiting ─retryWait / STOP─► querying
 *   querying ─FAILED (otherwise)─► answered (ERROR)
 *
 * Pure: the owner (actors/oracle/oracle.ts) runs the query when asked (`query`) and sends back ANSWERED or
 * FAILED with the time it happened and whether the failure was the database being unreachable; it writes
 * what `log` asks. The answer is the actor's output.
 */
import { and, assign, setup } from 'xstate';
import { actionNotProvided } from '../common/not-provided.js';
import type { LogLine } from '../supervisor/log-line.js';

const NAME = 'oracle';

/** The first wait before a request is made again, and the longest. */
export const FIRST_RETRY_MS = 100;
export const LONGEST_RETRY_MS = 2000;
/** How long a request is tried again while the database is unreachable. */
export const DEFAULT_RETRY_FOR_MS = 60_000;

export interface OracleRequestInput {
  /** The Oracle's number, for log lines. */
  oracle: number;
  /** The request as the owner's `query` runs it (opaque to the chart). */
  request: { verb: string };
  /** When the request came in (ms). */
  at: number;
  retryForMs?: number;
  /** The Oracle is stopping already: no retry. */
  stopping?: boolean;
}

export type OracleAnswer = { verb: 'OK'; data: unknown } | { verb: 'ERROR'; data: string };

export type OracleRequestEvent =
  | { type: 'ANSWERED'; data: unknown; at: number }
  /** `unreachable`: the database could not be reached (worth trying again). */
  | { type: 'FAILED'; message: string; unreachable: boolean; at: number }
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
  answer: OracleAnswer | undefined;
}

type Failed = Extract<OracleRequestEvent, { type: 'FAILED' }>;
type Answered = Extract<OracleRequestEvent, { type: 'ANSWERED' }>;

export const oracleRequestMachine = setup({
  types: {
    input: {} as OracleRequestInput,
    context: {} as OracleRequestContext,
    events: {} as OracleRequestEvent,
    output: {} as OracleAnswer,
  },
  actions: {
    // Provided by the Oracle: runs the request's query, then sends ANSWERED or FAILED.
    query: actionNotProvided(NAME, 'query') as (_: unknown, params: { request: unknown }) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogLine) => void,
    answerOk: assign({ answer: ({ event }) => ({ verb: 'OK' as const, data: (event as Answered).data }) }),
    answerError: assign({
      answer: ({ context, event }) => {
        const { message } = event as Failed;
        return { verb: 'ERROR' as const, data: context.failures > 0 ? `${message} (after ${context.failures + 1} attempts)` : message };
      },
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
  context: ({ input }) => ({
    oracle: input.oracle,
    request: input.request,
    verb: input.request.verb,
    startedAt: input.at,
    retryForMs: input.retryForMs ?? DEFAULT_RETRY_FOR_MS,
    wait: FIRST_RETRY_MS,
    failures: 0,
    stopping: input.stopping ?? false,
    answer: undefined,
  }),
  initial: 'querying',
  states: {
    querying: {
      entry: { type: 'query', params: ({ context }) => ({ request: context.request }) },
      on: {
        ANSWERED: [
          {
            guard: 'hadFailures',
            target: 'answered',
            actions: [
              {
                type: 'log',
                params: ({ context, event }) => ({
                  level: 'info',
                  message: `oracle ${context.oracle}: the database answered ${context.verb} after ${context.failures} failed attempts in ${((event.at - context.startedAt) / 1000).toFixed(1)} s`,
                }),
              },
              'answerOk',
            ],
          },
          { target: 'answered', actions: 'answerOk' },
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
          { target: 'answered', actions: 'answerError' },
        ],
        STOP: { actions: 'noteStop' },
      },
    },
    waiting: {
      after: { retryWait: { target: 'querying', actions: 'backOff' } },
      on: { STOP: { target: 'querying', actions: ['noteStop', 'backOff'] } },
    },
    answered: { type: 'final' },
  },
  output: ({ context }) => context.answer!,
});
