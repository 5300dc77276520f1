/**
 * A circuit breaker around calls to PyPI (beyond 0.18, which simply retried every 10 s for ever): whether
 * the next call may go out. actors/cloud-gazer/circuit-breaker.ts runs one around each PyPI client.
 *
 *   input    CircuitBreakerInput { service, failureThreshold?, baseDelayMs?, maxDelayMs? }
 *   events   CALL { now }             a call wants to go out; the machine emits `allowed` or `refused`
 *            SUCCEEDED                the call that went out answered
 *            FAILED { now, reason }   it threw
 *   emitted  allowed | refused { retryInMs }
 *   actions  log(LogEntry)
 *
 *   closed ─failureThreshold consecutive failures─► open ─CALL once the wait is over─► halfOpen (one probe)
 *   halfOpen ─probe succeeds─► closed ;  halfOpen ─probe fails: wait ×2, up to the cap─► open
 *
 * While open, calls are refused at once without touching the network; while the probe is out, so are
 * all others. "<service> offline" is logged once, when the breaker opens, and "<service> back online" when
 * a call succeeds again. Time is in the events (the owner's clock), so the machine holds no timer: the wait
 * is over when a CALL comes at or after `retryAt`.
 */
import { assertEvent, assign, emit, setup } from 'xstate';
import { actionNotProvided } from '../common/not-provided.js';
import type { LogEntry } from '../common/log-entry.js';

const NAME = 'pypi-circuit-breaker';

export interface CircuitBreakerInput {
  /** Names the service in log lines: "PyPI offline". */
  service: string;
  /** Consecutive failures that open the breaker (default 3). */
  failureThreshold?: number;
  /** First wait before a probe, in ms (default 30 s); doubled after each failed probe. */
  baseDelayMs?: number;
  /** The longest wait between probes, in ms (default 10 minutes). */
  maxDelayMs?: number;
}

export interface CircuitBreakerContext {
  service: string;
  failureThreshold: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures so far. */
  failures: number;
  /** The wait before the next probe. */
  delayMs: number;
  /** When the next probe may go out (meaningful while open). */
  retryAt: number;
}

export type CircuitBreakerEvent =
  | { type: 'CALL'; now: number }
  | { type: 'SUCCEEDED' }
  | { type: 'FAILED'; now: number; reason: string };

export type CircuitBreakerEmitted = { type: 'allowed' } | { type: 'refused'; retryInMs: number };

const seconds = (ms: number) => Math.ceil(ms / 1000);

export const circuitBreakerMachine = setup({
  types: {} as {
    input: CircuitBreakerInput;
    context: CircuitBreakerContext;
    events: CircuitBreakerEvent;
    emitted: CircuitBreakerEmitted;
  },
  actions: {
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    allow: emit({ type: 'allowed' }),
    countFailure: assign({ failures: ({ context }) => context.failures + 1 }),
    reset: assign(({ context }) => ({ failures: 0, delayMs: context.baseDelayMs })),
    /** Opens for the base wait (a fresh outage). */
    open: assign(({ context, event }) => {
      assertEvent(event, 'FAILED');
      return { delayMs: context.baseDelayMs, retryAt: event.now + context.baseDelayMs };
    }),
    /** Opens for twice the last wait, up to the cap (a failed probe). */
    reopen: assign(({ context, event }) => {
      assertEvent(event, 'FAILED');
      const delayMs = Math.min(context.delayMs * 2, context.maxDelayMs);
      return { delayMs, retryAt: event.now + delayMs };
    }),
  },
  guards: {
    /** This failure is the threshold's. */
    tooManyFailures: ({ context }) => context.failures + 1 >= context.failureThreshold,
    retryDue: ({ context, event }) => {
      assertEvent(event, 'CALL');
      return event.now >= context.retryAt;
    },
  },
}).createMachine({
  id: NAME,
  description:
    "The circuit breaker around each PyPI client: after enough failures in a row it opens and refuses calls without touching the network, lets one probe through once the wait is over, and closes again when the probe answers (the wait doubles, up to a cap, each time a probe fails). Time comes in the events, so it holds no timer; it logs once when PyPI goes offline and once when it is back.",
  context: ({ input }) => {
    const baseDelayMs = input.baseDelayMs ?? 30_000;
    return {
      service: input.service,
      failureThreshold: input.failureThreshold ?? 3,
      baseDelayMs,
      maxDelayMs: input.maxDelayMs ?? 10 * 60_000,
      failures: 0,
      delayMs: baseDelayMs,
      retryAt: 0,
    };
  },
  initial: 'closed',
  // A call that was allowed while closed may end in any state (several can be out at once).
  on: {
    SUCCEEDED: {
      target: '.closed',
      actions: [{ type: 'log', params: ({ context }) => ({ level: 'info', message: `${context.service} back online` }) }, 'reset'],
    },
    FAILED: [
      {
        guard: 'tooManyFailures',
        target: '.open',
        actions: [
          'countFailure',
          'open',
          {
            type: 'log',
            params: ({ context, event }) => ({
              level: 'warning',
              message: `${context.service} offline after ${context.failures} consecutive failures (${event.reason}); next attempt in ${seconds(context.delayMs)} s`,
            }),
          },
        ],
      },
      { actions: 'countFailure' },
    ],
  },
  states: {
    closed: {
      on: {
        CALL: { actions: 'allow' },
        SUCCEEDED: { actions: 'reset' },
      },
    },
    open: {
      on: {
        CALL: [
          { guard: 'retryDue', target: 'halfOpen', actions: 'allow' },
          {
            actions: emit(({ context, event }) => ({ type: 'refused' as const, retryInMs: context.retryAt - event.now })),
          },
        ],
      },
    },
    /** One probe is out: every other call is refused until it answers. */
    halfOpen: {
      on: {
        CALL: { actions: emit(({ context }) => ({ type: 'refused' as const, retryInMs: context.delayMs })) },
        FAILED: {
          target: 'open',
          actions: [
            'countFailure',
            'reopen',
            {
              type: 'log',
              params: ({ context, event }) => ({
                level: 'debug',
                message: `${context.service} still offline (${event.reason}); next attempt in ${seconds(context.delayMs)} s`,
              }),
            },
          ],
        },
      },
    },
  },
});
