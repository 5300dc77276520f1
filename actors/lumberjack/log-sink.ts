/**
 * Where the Lumberjack's records go: a `LogSink` writes a batch of them, all or nothing. The database sink
 * writes each kind with one multi-row call; tests and benchmarks can use the in-memory one.
 *
 * A sink signals the two kinds of failure the Lumberjack treats differently:
 *  - `RejectedBatchError`: the database refused the data itself (a value it cannot store). Writing the same
 *    batch again would fail again, so the Lumberjack splits it to find and drop the offending record.
 *  - anything else: transient (connection lost, database restarting). The batch is kept and retried.
 */
import type { LogRecord } from '../../machines/lumberjack/batching-machine.js';

export { RejectedBatchError, type LogRecord } from '../../machines/lumberjack/batching-machine.js';
export type LogKind = LogRecord['verb'];

export const LOG_KINDS: readonly LogKind[] = ['LOGDOWNLOAD', 'LOGSEARCH', 'LOGPROJECT', 'LOGJSON', 'LOGPAGE'];

export interface LogSink {
  /** Writes every record or none of them. */
  writeBatch(records: readonly LogRecord[]): Promise<void>;
}

/** Keeps what it is given, in order (tests, and benchmarks that leave the database out). */
export class MemoryLogSink implements LogSink {
  readonly records: LogRecord[] = [];
  /** The size of each batch written. */
  readonly batches: number[] = [];

  async writeBatch(records: readonly LogRecord[]): Promise<void> {
    this.batches.push(records.length);
    for (const r of records) this.records.push(r);
  }
}
