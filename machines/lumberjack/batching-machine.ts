/**
 * The Lumberjack's batching (behaviours 165–167): when the records piw-logger sends are written to the
 * database, in what batches, and what happens when the database is away or refuses one.
 * actors/lumberjack/log-batcher.ts runs it; the records wait in that adapter's buffer (appending there
 * costs nothing per record) and come into the machine a batch at a time.
 *
 *   input    BatchingInput { policy }
 *   events   ADDED { waiting }     records now waiting in the buffer: sent while the machine is `accepting`, once
 *                                  `waiting` reaches `context.wakeAt` (not for every record: adding stays cheap)
 *            BATCH { records }     the answer to `takeBatch`: up to maxBatch records off the buffer's head
 *            DRAIN { deadlineMs }  the task is stopping: write everything, paused or not, until the deadline
 *   actors   whenRunning   resolves when work may go on (at once unless paused); rejects once the task stops
 *            writeBatch    writes records, all or none; rejects with RejectedBatchError when the database
 *                          refuses the data itself, with anything else when it is away
 *   actions  takeBatch(max)  log(LogEntry)  written(records)  refused(record, error)
 *   delays   flushDelay, retry (doubling from retryInitialMs up to retryMaxMs), drainDeadline
 *
 *   work     idle ─ADDED─► collecting ─flushDelay, or maxBatch waiting─► held ─running─► taking ─BATCH─► writing
 *            writing ─written─► held (group commit: what came meanwhile goes next) … taking ─empty─► idle
 *            writing ─database away─► retrying ─retry─► writing (the same records: nothing lost or doubled)
 *            writing ─refused─► writing the halves, until the refused record is alone: it is logged and dropped
 *   shutdown running ─DRAIN─► draining ─drainDeadline─► gaveUp
 *
 * Under load writes follow each other and batches grow with the load (records arriving during a write go
 * in the next one), so writes never idle. No write starts while the task is paused (`held`), except when
 * draining. What is still unwritten at the drain deadline is lost; the owner counts and reports it.
 */
import { and, assertEvent, assign, setup, stateIn } from 'xstate';
import type { Message } from '../../protocols/protocol.js';
import type { lumberjackProtocol } from '../../protocols/lumberjack.js';
import { defineError } from '../../protocols/errors.js';
import { describeError, type LogEntry } from '../common/log-entry.js';
import { actionNotProvided, actorNotProvided } from '../common/not-provided.js';
import { timerMs } from '../common/timer.js';

const NAME = 'lumberjack-batching';

/** One record from the log queue, as the Lumberjack receives it (protocols/README.md §3.7, §4.9). */
export type LogRecord = Message<(typeof lumberjackProtocol)['recv']>;

/** The database refused the data itself (a value it cannot store): writing it again would fail again. */
export const RejectedBatchError = defineError('PIW_ERR_LOG_REJECTED', (message: string, cause?: unknown) => ({ message, cause }));
export type RejectedBatchError = InstanceType<typeof RejectedBatchError>;

export interface BatchPolicy {
  maxBatch: number;
  flushDelayMs: number;
  maxBuffered: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

export const DEFAULT_BATCH_POLICY: BatchPolicy = {
  maxBatch: 2000,
  flushDelayMs: 100,
  maxBuffered: 50_000,
  retryInitialMs: 100,
  retryMaxMs: 30_000,
};

export interface BatchingInput {
  policy?: Partial<BatchPolicy>;
}

export interface BatchingContext {
  policy: BatchPolicy;
  /** The batch taken, as the parts still to write (more than one once the database refused some); the
   *  head is written next. */
  parts: readonly (readonly LogRecord[])[];
  /** Failed attempts at writing the head part. */
  failures: number;
  /** The wait before the next attempt at the head part. */
  retryMs: number;
  drainDeadlineMs: number;
  /** While `accepting`: the number of waiting records at which the owner sends ADDED. */
  wakeAt: number;
}

export type BatchingEvent =
  | { type: 'ADDED'; waiting: number }
  | { type: 'BATCH'; records: readonly LogRecord[] }
  | { type: 'DRAIN'; deadlineMs: number };

/** Records held by the machine (taken, not yet written or dropped). */
export function recordsInFlight(context: BatchingContext): number {
  return context.parts.reduce((n, part) => n + part.length, 0);
}

const head = (context: BatchingContext) => context.parts[0]!;

const batchingSetup = setup({
  types: {} as {
    input: BatchingInput;
    context: BatchingContext;
    events: BatchingEvent;
  },
  actors: {
    whenRunning: actorNotProvided<void, void>(NAME, 'whenRunning'),
    writeBatch: actorNotProvided<void, readonly LogRecord[]>(NAME, 'writeBatch'),
  },
  actions: {
    takeBatch: actionNotProvided(NAME, 'takeBatch') as (_: unknown, max: number) => void,
    log: actionNotProvided(NAME, 'log') as (_: unknown, params: LogEntry) => void,
    written: actionNotProvided(NAME, 'written') as (_: unknown, records: readonly LogRecord[]) => void,
    refused: actionNotProvided(NAME, 'refused') as (_: unknown, params: { record: LogRecord; error: unknown }) => void,
    keepBatch: assign(({ event }) => {
      assertEvent(event, 'BATCH');
      return { parts: [event.records] };
    }),
    /** The head part is done with (written or dropped): the next part starts afresh. */
    nextPart: assign(({ context }) => ({ parts: context.parts.slice(1), failures: 0, retryMs: context.policy.retryInitialMs })),
    splitHead: assign(({ context }) => {
      const part = head(context);
      const half = part.length >> 1;
      return { parts: [part.slice(0, half), part.slice(half), ...context.parts.slice(1)], failures: 0, retryMs: context.policy.retryInitialMs };
    }),
    countFailure: assign(({ context }) => ({ failures: context.failures + 1 })),
    backOff: assign(({ context }) => ({ retryMs: Math.min(context.retryMs * 2, context.policy.retryMaxMs) })),
    noteDeadline: assign(({ event }) => {
      assertEvent(event, 'DRAIN');
      return { drainDeadlineMs: event.deadlineMs };
    }),
  },
  guards: {
    full: ({ context, event }) => event.type === 'ADDED' && event.waiting >= context.policy.maxBatch,
    emptyBatch: ({ event }) => event.type === 'BATCH' && event.records.length === 0,
    morePartsAfterHead: ({ context }) => context.parts.length > 1,
    rejected: ({ event }) => (event as { error?: unknown }).error instanceof RejectedBatchError,
    headAlone: ({ context }) => head(context).length === 1,
    firstFailure: ({ context }) => context.failures === 0,
    retried: ({ context }) => context.failures > 0,
    draining: stateIn(`#${NAME}.shutdown.draining`),
    /** The database refused a part of one record: that record is the one. */
    refusedAlone: and(['rejected', 'headAlone']),
  },
  delays: {
    flushDelay: ({ context }) => timerMs(context.policy.flushDelayMs),
    retry: ({ context }) => timerMs(context.retryMs),
    drainDeadline: ({ context }) => timerMs(context.drainDeadlineMs),
  },
});

/** After the head part is done with: the next part, or the next batch (through the pause gate). */
const afterHead = [{ guard: 'morePartsAfterHead', target: 'writing', actions: 'nextPart' }, { target: 'held', actions: 'nextPart' }] as const;

export const batchingMachine = batchingSetup.createMachine({
  id: NAME,
  description:
    "The Lumberjack's batching of the access-log records piw-logger sends: collect until a batch is full or a short delay passes, write it in one statement, and send what came meanwhile in the next (group commit). A database that is away gets the same batch again after a doubling wait, nothing lost or doubled; a batch the database refuses is halved until the refused record is alone, which is logged and dropped. On shutdown it drains until a deadline.",
  context: ({ input }) => {
    const policy = { ...DEFAULT_BATCH_POLICY, ...input.policy };
    return { policy, parts: [], failures: 0, retryMs: policy.retryInitialMs, drainDeadlineMs: 0, wakeAt: 1 };
  },
  type: 'parallel',
  states: {
    work: {
      initial: 'idle',
      states: {
        /** Nothing waits (every record added while accepting is reported, so none came unseen). */
        idle: {
          tags: 'accepting',
          entry: assign({ wakeAt: 1 }),
          on: { ADDED: [{ guard: 'full', target: 'held' }, { target: 'collecting' }] },
        },
        /** The first record of a quiet spell came: a write starts after flushDelay, or once a batch is full. */
        collecting: {
          tags: 'accepting',
          entry: assign(({ context }) => ({ wakeAt: context.policy.maxBatch })),
          always: { guard: 'draining', target: 'held' },
          after: { flushDelay: 'held' },
          on: { ADDED: { guard: 'full', target: 'held' } },
        },
        /** No write starts while the task is paused, unless it is draining. */
        held: {
          always: { guard: 'draining', target: 'taking' },
          invoke: { id: 'whenRunning', src: 'whenRunning', onDone: 'taking', onError: 'halted' },
        },
        /** The task stopped before DRAIN: nothing is written until it comes. */
        halted: {
          always: { guard: 'draining', target: 'taking' },
        },
        taking: {
          entry: { type: 'takeBatch', params: ({ context }) => context.policy.maxBatch },
          on: { BATCH: [{ guard: 'emptyBatch', target: 'idle' }, { target: 'writing', actions: 'keepBatch' }] },
        },
        writing: {
          invoke: {
            id: 'writeBatch',
            src: 'writeBatch',
            input: ({ context }) => head(context),
            onDone: [
              {
                guard: 'retried',
                target: 'wrote',
                actions: {
                  type: 'log',
                  params: ({ context }) => ({ level: 'info', message: `log records written again after ${context.failures} failed attempts` }),
                },
              },
              { target: 'wrote' },
            ],
            onError: [
              {
                guard: 'refusedAlone',
                target: 'dropped',
                actions: [
                  {
                    type: 'log',
                    params: ({ context, event }) => ({
                      level: 'error',
                      message: `dropping a ${head(context)[0]!.verb} record the database refused: ${describeError(event.error)}`,
                    }),
                  },
                  { type: 'refused', params: ({ context, event }) => ({ record: head(context)[0]!, error: event.error }) },
                ],
              },
              { guard: 'rejected', target: 'writing', reenter: true, actions: 'splitHead' },
              {
                guard: 'firstFailure',
                target: 'retrying',
                actions: [
                  {
                    type: 'log',
                    params: ({ context, event }) => ({
                      level: 'warning',
                      message: `failed to write ${head(context).length} log records; retrying`,
                      error: event.error,
                    }),
                  },
                  'countFailure',
                ],
              },
              {
                target: 'retrying',
                actions: [
                  'countFailure',
                  {
                    type: 'log',
                    params: ({ context, event }) => ({
                      level: 'debug',
                      message: `log records still not written (attempt ${context.failures}): ${describeError(event.error)}`,
                    }),
                  },
                ],
              },
            ],
          },
        },
        /** The head part is in the database. */
        wrote: {
          entry: { type: 'written', params: ({ context }) => head(context) },
          always: afterHead,
        },
        /** The head part was one refused record, now dropped. */
        dropped: {
          always: afterHead,
        },
        retrying: {
          after: { retry: { target: 'writing', actions: 'backOff' } },
        },
      },
    },
    shutdown: {
      initial: 'running',
      states: {
        running: { on: { DRAIN: { target: 'draining', actions: 'noteDeadline' } } },
        draining: { after: { drainDeadline: 'gaveUp' } },
        gaveUp: { type: 'final' },
      },
    },
  },
});

/** Whether a drain has finished: everything written, or the deadline passed. */
export function drainSettled(snapshot: { matches(value: unknown): boolean }): boolean {
  return snapshot.matches({ shutdown: 'gaveUp' }) || (snapshot.matches({ shutdown: 'draining' }) && snapshot.matches({ work: 'idle' }));
}
