/**
 * Cloud Gazer's poll cycle (behaviours 17, 104–127; REFRESH is beyond 0.18): when PyPI is read, what is
 * done with the batch, and when the Architect is told. actors/cloud-gazer/task.ts runs it inside the task,
 * after loading the package cache and the stored serial.
 *
 *   input    PollCycleInput { intervalMs? }
 *   events   RECORDED   the database's answer means a version may now be in the build queue
 *   actors   whenRunning     resolves when work may go on (at once unless paused); rejects with CancelledError
 *                            once the task stops (any other failure crashes the machine)
 *            readChangelog   a batch of events from PyPI (its trouble is logged there and is an empty batch)
 *            applyEvents     acts on each event and stores the serial: PollSummary; rejects when a port fails
 *                            (after rewinding the stream, so the batch is read again)
 *            Both reject with CancelledError (common/cancelled.ts) when the task stops.
 *   actions  log(LogEntry)  refresh (REFRESH to the Architect)
 *   delays   interval (10 s, from the end of one poll to the next)
 *
 *   held ─running─► reading ─batch─► applying ─► announcing ─► waiting ─interval─► held …
 *
 * The first poll runs at once; while the master is paused the cycle stays `held` (behaviour 17). A poll
 * that fails (the Oracle answering ERROR, the Secretary or Slave Driver away) is logged and tried again
 * after the interval: that wait is the back-off, and PyPI's own back-off is its circuit breaker's. A poll
 * that recorded a version to build (RECORDED during it), failed or not, ends with REFRESH to the Architect:
 * what it recorded is in the database. Work cut short at shutdown ends the cycle quietly; no state is
 * tagged `busy`, so stopping never waits for PyPI (what a poll had not stored is read again at the next start).
 */
import { assign, setup } from 'xstate';
import type { GazerEvent } from '../../protocols/pypi/changelog.js';
import { crash, wasCancelled } from '../common/cancelled.js';
import { describeError, type LogEntry } from '../common/log-entry.js';
import { actionNotProvided, actorNotProvided } from '../common/not-provided.js';
import { timerMs } from '../common/timer.js';

const NAME = 'cloud-gazer-poll';

/** 0.18 polls PyPI every 10 s. */
export const POLL_INTERVAL_MS = 10_000;

export interface PollCycleInput {
  intervalMs?: number;
}

/** What one poll did. */
export interface PollSummary {
  /** Events acted on. */
  readonly events: number;
  /** The serial stored after the batch. */
  readonly serial: number;
}

export interface PollCycleContext {
  intervalMs: number;
  /** This poll recorded a version to build. */
  recorded: boolean;
}

export type PollCycleEvent = { type: 'RECORDED' };

const pollCycleSetup = setup({
  types: {} as {
    input: PollCycleInput;
    context: PollCycleContext;
    events: PollCycleEvent;
  },
  actors: {
    whenRunning: actorNotProvided<void, void>(NAME, 'whenRunning'),
    readChangelog: actorNotProvided<GazerEvent[], void>(NAME, 'readChangelog'),
    applyEvents: actorNotProvided<PollSummary, readonly GazerEvent[]>(NAME, 'applyEvents'),
  },
  actions: {
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    crash,
    refresh: actionNotProvided(NAME, 'refresh'),
  },
  guards: {
    cancelled: wasCancelled,
    recorded: ({ context }) => context.recorded,
    actedOnSome: (_, summary: PollSummary) => summary.events > 0,
  },
  delays: {
    interval: ({ context }) => timerMs(context.intervalMs),
  },
});

/** A poll that failed: logged, and tried again after the interval. */
const logFailure = {
  type: 'log',
  params: ({ context, event }: { context: PollCycleContext; event: { error?: unknown } }): LogEntry => ({
    level: 'error',
    message: `poll failed: ${describeError(event.error)}; trying again in ${context.intervalMs / 1000} s`,
    error: event.error,
  }),
} as const;

export const pollCycleMachine = pollCycleSetup.createMachine({
  id: NAME,
  description:
    "Cloud Gazer's poll cycle: read a batch of PyPI's changelog, act on each event, store the serial, then wait ten seconds. A paused master holds the cycle; a failed poll is logged and tried again after the interval; a poll that recorded a version to build ends with REFRESH to the Architect.",
  context: ({ input }) => ({ intervalMs: input.intervalMs ?? POLL_INTERVAL_MS, recorded: false }),
  initial: 'polling',
  states: {
    polling: {
      on: { RECORDED: { actions: assign({ recorded: true }) } },
      initial: 'held',
      states: {
        held: {
          invoke: {
            id: 'whenRunning',
            src: 'whenRunning',
            onDone: 'reading',
            onError: [{ guard: 'cancelled', target: `#${NAME}.stopped` }, { actions: 'crash' }],
          },
        },
        reading: {
          invoke: {
            id: 'readChangelog',
            src: 'readChangelog',
            onDone: 'applying',
            onError: [{ guard: 'cancelled', target: `#${NAME}.stopped` }, { target: 'announcing', actions: logFailure }],
          },
        },
        applying: {
          invoke: {
            id: 'applyEvents',
            src: 'applyEvents',
            input: ({ event }) => (event as unknown as { output: GazerEvent[] }).output,
            onDone: [
              {
                guard: { type: 'actedOnSome', params: ({ event }) => event.output },
                target: 'announcing',
                actions: {
                  type: 'log',
                  params: ({ event }) => ({
                    level: 'info',
                    message: `acted on ${event.output.events} PyPI events; serial is now ${event.output.serial}`,
                  }),
                },
              },
              { target: 'announcing' },
            ],
            onError: [{ guard: 'cancelled', target: `#${NAME}.stopped` }, { target: 'announcing', actions: logFailure }],
          },
        },
        announcing: {
          always: [
            {
              guard: 'recorded',
              target: 'waiting',
              actions: [
                'refresh',
                assign({ recorded: false }),
                { type: 'log', params: { level: 'debug', message: 'new versions to build: REFRESH sent to the Architect' } },
              ],
            },
            { target: 'waiting' },
          ],
        },
        waiting: {
          after: { interval: 'held' },
        },
      },
    },
    /** The task is stopping: nothing more runs. */
    stopped: { type: 'final' },
  },
});
