/**
 * The Lumberjack's write buffer: records are gathered and written to the `LogSink` in batches, one write
 * at a time.
 *
 * - Flushing: a write starts once `maxBatch` records wait, or `flushDelayMs` after the first record of a
 *   quiet spell arrived. Records arriving during a write are written straight after it (group commit), so
 *   under load batches grow with the load and writes never idle.
 * - Transient failures: the batch is kept and retried with exponential back-off (`retryInitialMs`
 *   doubling up to `retryMaxMs`), forever while the task runs: a database restart loses nothing.
 * - Refused data (`RejectedBatchError`): the batch is split in halves until the refused record is alone;
 *   that record is logged and dropped, the rest written.
 * - Memory: at most `maxBuffered` records are held (waiting plus being written). `whenRoom()` resolves once
 *   there is room; the log-queue reader waits on it, so under sustained overload records back up into
 *   ZeroMQ's queues and then into piw-logger, which blocks or, with `--drop`, drops them with a warning.
 *   The Lumberjack itself never drops a record it has accepted while it runs.
 * - Stopping: `drain(deadline)` writes what is held, ignoring PAUSE, retrying until the deadline; what is
 *   still unwritten then is lost and reported by the count it returns.
 * - PAUSE: no write starts while the task is paused (`whenRunning`).
 */
import type { Logger } from '../runtime/logger.js';
import { RejectedBatchError, type LogRecord, type LogSink } from './log-sink.js';

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
}

/** The drain deadline passed; `unwritten` are the records of the interrupted write. */
class GaveUp extends Error {
  constructor(readonly unwritten: LogRecord[]) {
    super('gave up writing log records');
  }
}

export class LogBatcher {
  readonly policy: BatchPolicy;
  private buffer: LogRecord[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private draining = false;
  private readonly giveUp = new AbortController();
  private roomWaiters: (() => void)[] = [];
  private startDrain!: () => void;
  private readonly drainStarted = new Promise<void>((resolve) => (this.startDrain = resolve));

  constructor(private readonly opts: LogBatcherOptions) {
    this.policy = { ...DEFAULT_BATCH_POLICY, ...opts.policy };
  }

  /** Records held: waiting and being written. */
  get held(): number {
    return this.buffer.length + this.inFlight;
  }

  add(record: LogRecord): void {
    this.buffer.push(record);
    if (this.running) return;
    if (this.buffer.length >= this.policy.maxBatch) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.policy.flushDelayMs);
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
    this.startDrain();
    this.wakeRoomWaiters();
    const deadline = setTimeout(() => this.giveUp.abort(), deadlineMs);
    // One turn after the deadline, so a loop that gave up has put its records back.
    const gaveUp = new Promise<void>((resolve) => this.giveUp.signal.addEventListener('abort', () => setImmediate(resolve), { once: true }));
    try {
      // A write hanging in the sink is left behind at the deadline: its records count as unwritten.
      await Promise.race([this.writeAll(), gaveUp]);
    } finally {
      clearTimeout(deadline);
    }
    return this.held;
  }

  private async writeAll(): Promise<void> {
    try {
      // A loop the task's halt stopped is started again; one still running carries on past the gate.
      while (this.buffer.length > 0 || this.running) await this.kick();
    } catch (err) {
      if (!(err instanceof GaveUp)) throw err;
    }
  }

  private kick(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.running ??= this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.buffer.length > 0) {
      if (!this.draining) {
        try {
          await Promise.race([this.opts.whenRunning(), this.drainStarted]);
        } catch {
          if (!this.draining) return;
        }
      }
      const max = this.policy.maxBatch;
      const batch = this.buffer.length <= max ? this.buffer : this.buffer.slice(0, max);
      this.buffer = batch === this.buffer ? [] : this.buffer.slice(max);
      this.inFlight = batch.length;
      try {
        await this.write(batch);
      } catch (err) {
        if (err instanceof GaveUp) this.buffer = err.unwritten.concat(this.buffer);
        throw err;
      } finally {
        this.inFlight = 0;
        this.wakeRoomWaiters();
      }
    }
  }

  /** Writes one batch: retries transient failures, splits refused ones. */
  private async write(batch: LogRecord[]): Promise<void> {
    let delay = this.policy.retryInitialMs;
    let failures = 0;
    for (;;) {
      try {
        await this.opts.sink.writeBatch(batch);
        this.inFlight -= batch.length;
        if (failures) this.opts.log.info(`log records written again after ${failures} failed attempts`);
        this.opts.onWritten(batch);
        return;
      } catch (err) {
        if (err instanceof RejectedBatchError) return this.split(batch, err);
        if (failures++ === 0) this.opts.log.warn(`failed to write ${batch.length} log records; retrying`, err);
        else this.opts.log.debug(`log records still not written (attempt ${failures}): ${(err as Error).message}`);
        await this.sleep(delay, batch);
        delay = Math.min(delay * 2, this.policy.retryMaxMs);
      }
    }
  }

  private async split(batch: LogRecord[], err: RejectedBatchError): Promise<void> {
    if (batch.length === 1) {
      this.opts.log.error(`dropping a ${batch[0]!.verb} record the database refused: ${err.message}`);
      this.inFlight--;
      this.opts.onRefused(batch[0]!, err);
      return;
    }
    const half = batch.length >> 1;
    const second = batch.slice(half);
    try {
      await this.write(batch.slice(0, half));
    } catch (e) {
      throw e instanceof GaveUp ? new GaveUp(e.unwritten.concat(second)) : e;
    }
    await this.write(second);
  }

  /** Waits before a retry; rejects with GaveUp (carrying `batch`) at the drain deadline. */
  private sleep(ms: number, batch: LogRecord[]): Promise<void> {
    const signal = this.giveUp.signal;
    if (signal.aborted) return Promise.reject(new GaveUp(batch));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(new GaveUp(batch));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wakeRoomWaiters(): void {
    if (!this.draining && this.held >= this.policy.maxBuffered) return;
    for (const wake of this.roomWaiters.splice(0)) wake();
  }
}
