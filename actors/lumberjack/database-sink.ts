/**
 * The Lumberjack's LogSink over the database: a batch, grouped by kind, is written with the database API's
 * `logAccessBatch` (schema/access-log.ts): one statement, so one transaction, in one round trip; the
 * batch is written whole or not at all.
 *
 * Records arrive fitted to their columns (fit-record.ts). PostgreSQL refusing the data itself
 * (`isDataRejection`) is a RejectedBatchError; anything else (lost connection, server shutting down) is
 * left to the Lumberjack to retry.
 */
import { isDataRejection, type AccessLogBatch, type AccessLogRecords } from '../../schema/access-log.js';
import type { Database } from '../../schema/database.js';
import { RejectedBatchError, type LogKind, type LogRecord, type LogSink } from './log-sink.js';

export class DatabaseLogSink implements LogSink {
  constructor(private readonly db: Pick<Database, 'logAccessBatch'>) {}

  async writeBatch(records: readonly LogRecord[]): Promise<void> {
    const batch: { [K in LogKind]?: AccessLogRecords[K][] } = {};
    for (const { verb, data } of records) ((batch[verb] ??= []) as unknown[]).push(data);
    try {
      await this.db.logAccessBatch(batch satisfies AccessLogBatch);
    } catch (err) {
      if (isDataRejection(err)) throw new RejectedBatchError((err as Error).message, err);
      throw err;
    }
  }
}
