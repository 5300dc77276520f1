/** LogSinks with faults, for the Lumberjack tests: each wraps the in-memory sink. */
import { MemoryLogSink, RejectedBatchError, type LogRecord } from '../../../actors/lumberjack/log-sink.js';

/** Throws a transient error for its first `failures` writes. */
export class FlakySink extends MemoryLogSink {
  attempts = 0;
  constructor(private failures: number) {
    super();
  }
  override async writeBatch(records: readonly LogRecord[]): Promise<void> {
    this.attempts++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('connection to the database lost');
    }
    return super.writeBatch(records);
  }
}

/** Refuses any batch holding a record `bad` picks, as PostgreSQL refuses a value it cannot store. */
export class RefusingSink extends MemoryLogSink {
  constructor(private readonly bad: (r: LogRecord) => boolean) {
    super();
  }
  override async writeBatch(records: readonly LogRecord[]): Promise<void> {
    if (records.some(this.bad)) throw new RejectedBatchError('value too long for type character varying(30)');
    return super.writeBatch(records);
  }
}

/** Holds every write until `release()`. */
export class HeldSink extends MemoryLogSink {
  private held: (() => void)[] = [];
  get waiting(): number {
    return this.held.length;
  }
  override writeBatch(records: readonly LogRecord[]): Promise<void> {
    return new Promise((resolve) => this.held.push(() => resolve(super.writeBatch(records))));
  }
  release(): void {
    for (const go of this.held.splice(0)) go();
  }
}

export const pageRecord = (n: number, host = '192.0.2.1'): LogRecord => ({
  verb: 'LOGPAGE',
  data: [`page${n}`, host, new Date(Date.UTC(2020, 8, 15, 12)), 'Mozilla/5.0'],
});

export { eventually } from '../zmq/support.js';

/** Polls an asynchronous condition (a row count) until it holds. */
export async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}
