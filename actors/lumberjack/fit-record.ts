/**
 * Makes a record fit the database before it is written, so no single record can make a batch fail:
 *  - its text fields are fitted to their columns as every write of web-log fields is
 *    (schema/access-log.ts `fitAccessRecord`): control characters become U+FFFD, text longer than its
 *    column is cut to the column's width (a page name of more than 30 characters would otherwise make
 *    0.18's Oracle fail and its Lumberjack die);
 *  - a record whose host is not an IP address (the column is INET) or whose time is outside what a
 *    TIMESTAMP holds cannot be stored at all, and is refused.
 */
import { isIP } from 'node:net';
import { fitAccessRecord } from '../../schema/access-log.js';
import type { LogRecord } from './log-sink.js';

export type FitResult = { record: LogRecord; truncated: boolean } | { refused: string };

// PostgreSQL's TIMESTAMP starts at 4713 BC.
const EARLIEST = Date.UTC(-4712, 0, 1);

export function fitRecord(record: LogRecord): FitResult {
  const data = record.data;
  const host = data[1];
  if (isIP(host) === 0 || host.includes('%')) return { refused: `host ${JSON.stringify(host)} is not an IP address` };
  const time = data[2].getTime();
  if (!(time >= EARLIEST)) return { refused: `time ${String(data[2])} cannot be stored in a TIMESTAMP` };
  const fit = fitAccessRecord(record.verb, data);
  return { record: fit.record === data ? record : ({ verb: record.verb, data: fit.record } as LogRecord), truncated: fit.truncated };
}
