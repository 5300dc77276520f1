/**
 * The Lumberjack's write buffer: records are gathered and written to the `LogSink` in batches, one write
 * at a time. When and how is the statechart machines/lumberjack/batching-machine.ts (flush on size or
 * after `flushDelayMs`, group commit, retry with back-off while the database is away, halving a refused
 * batch to drop only the refused record, no write while paused, the drain and its deadline); this holds
 * the records and carries out what it says.
 *
 * - Memory: at most `maxBuffered` records are held (waiting plus being written). `whenRoom()` resolves once
 *   there is room; the log-queue reader waits on it, so under sustained overload records back up into
 *   ZeroMQ's queues and then into piw-logger, which blocks or, with `--drop`, drops them with a warning.
 *   The Lumberjack itself never drops a record it has accepted while it runs.
 * - Stopping: `drain(deadline)` writes what is held, ignoring PAUSE, retrying until the deadline; what is
 *   still unwritten then is lost and reported by the count it returns.
 */
import { fromPromise, waitFor } from 'xstate';
import {
  batchingMachine,
  DEFAULT_BATCH_POLICY,
  drainSettled,
  recordsInFlight,
  type BatchPolicy,
} from '../../machines/lumberjack/batching-machine.js';
import type { Logger } from '../runtime/logger.js';
import { logAction, startChild, type Child, type TaskChildren } from '../runtime/task-machine.js';
import type { LogRecord, LogSink } from './log-sink.js';

export { DEFAULT_BATCH_POLICY, type BatchPolicy };

export interface LogBatcherOptions {
  sink: LogSink;
  log: Logger;
  policy?: Partial<BatchPolicy>;
  /** Resolves when work may go on; rejects once the task stops. */
  whenRunning(): Promise<void>;
  /** Called with each batch once it is written. */
  onWritten(records: readonly LogRecord[]): void;
  /** Called with each record the database refused, after it was dropped. */
  onRefused(record: LogRecord, error: unknown): void;
  /** The Lumberjack's task: the batching chart runs there as the child `batching` (else on its own). */
  task?: TaskChildren;
}

export class LogBatcher {
  readonly policy: BatchPolicy;
  /** Records waiting to be taken into a batch, oldest first. */
  private buffer: LogRecord[] = [];
  private draining = false;
  private roomWaiters: (() => void)[] = [];
  private readonly batching: Child<typeof batchingMachine>;
  private readonly actor: Child<typeof batchingMachine>['actor'];

  constructor(opts: LogBatcherOptions) {
    const machine = batchingMachine.provide({
      actors: {
        whenRunning: fromPromise(() => opts.whenRunning()),
        writeBatch: fromPromise<void, readonly LogRecord[]>(({ input }) => opts.sink.writeBatch(input)),
      },
      actions: {
        takeBatch: (_, max) => {
          const batch = this.buffer.length <= max ? this.buffer : this.buffer.slice(0, max);
          this.buffer = batch === this.buffer ? [] : this.buffer.slice(max);
          this.actor.send({ type: 'BATCH', records: batch });
        },
        log: logAction(opts.log),
        written: (_, records) => opts.onWritten(records),
        refused: (_, { record, error }) => opts.onRefused(record, error),
      },
    });
    // Started at once; its first state only sets a field, and nobody waits for room yet, so nothing is missed.
    this.batching = startChild(opts.task, machine, { id: 'batching', input: { ...(opts.policy ? { policy: opts.policy } : {}) } });
    this.actor = this.batching.actor;
    this.policy = this.actor.getSnapshot().context.policy;
    // Not while `taking`: the batch has left the buffer and its BATCH, next in the mailbox, is not in yet.
    this.actor.subscribe((snapshot) => snapshot.matches({ work: 'taking' }) || this.wakeRoomWaiters());
  }

  /** Records held: waiting and being written. */
  get held(): number {
    return this.buffer.length + recordsInFlight(this.actor.getSnapshot().context);
  }

  add(record: LogRecord): void {
    this.buffer.push(record);
    const snapshot = this.actor.getSnapshot();
    if (snapshot.hasTag('accepting') && this.buffer.length >= snapshot.context.wakeAt) {
      this.actor.send({ type: 'ADDED', waiting: this.buffer.length });
    }
  }

  /** Whether fewer than `maxBuffered` records are held. */
  hasRoom(): boolean {
    return this.held < this.policy.maxBuffered || this.draining;
  }

  /** Resolves once fewer than `maxBuffered` records are held. */
  whenRoom(): Promise<void> {
    if (this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Writes everything held, retrying transient failures until `deadlineMs` from now, then gives up.
   * Returns how many records were not written.
   */
  async drain(deadlineMs: number): Promise<number> {
    this.draining = true;
    this.wakeRoomWaiters();
    this.actor.send({ type: 'DRAIN', deadlineMs });
    await waitFor(this.actor, drainSettled, { timeout: Infinity });
    // A write hanging in the sink is left behind at the deadline: its records count as unwritten.
    const unwritten = this.held;
    this.batching.stop();
    return unwritten;
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0 || !this.hasRoom()) return;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }
}
